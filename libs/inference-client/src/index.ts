export * from './lib/inference.client';
export * from './lib/inference.errors';
