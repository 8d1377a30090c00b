// Test helpers (`@sentiment-ops/redis-rpc/testing`): for specs only, never imported by app code.
export * from './lib/testing/redis-test-kit';
export * from './lib/testing/test-worker';
export * from './lib/testing/transport-suite';
