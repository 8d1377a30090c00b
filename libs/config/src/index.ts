export * from './lib/parse-env';
export * from './lib/graceful-shutdown';
