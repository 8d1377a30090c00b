export * from './lib/schedule-manager';
