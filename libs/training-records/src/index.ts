export * from './lib/training-recorder';
