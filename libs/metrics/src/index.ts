export * from './lib/registry';
export * from './lib/sentiment.metrics';
export * from './lib/http.metrics';
export * from './lib/inference.metrics';
export * from './lib/rpc.metrics';
export * from './lib/evaluation.metrics';
export * from './lib/security.metrics';
export * from './lib/backpressure.metrics';
