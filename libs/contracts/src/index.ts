export * from './lib/sentiment/sentiment-label';
export * from './lib/sentiment/limits';
export * from './lib/sentiment/sentiment.schemas';
export * from './lib/sentiment/sentiment.dto';
export * from './lib/rpc/inference.rpc';
export * from './lib/rpc/predict-request.schema';
export * from './lib/evaluation/evaluation.types';
export * from './lib/evaluation/evaluation.queue';
