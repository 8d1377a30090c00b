export * from './lib/mlflow-client';
export * from './lib/mlflow.errors';
export type * from './lib/mlflow.types';
export * from './lib/training-tracker';
