export * from './lib/classification-report';
export * from './lib/confusion-matrix';
export * from './lib/evaluation.errors';
export * from './lib/prediction-agreement';
