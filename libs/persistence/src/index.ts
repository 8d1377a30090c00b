export * from './lib/api-key.repository';
export * from './lib/ensure-database';
export * from './lib/evaluation-run.repository';
export * from './lib/migrations';
export * from './lib/migrator';
export * from './lib/persistence.errors';
export * from './lib/pg-pool';
export * from './lib/postgres-unavailable';
export * from './lib/migrate-database';
export type { JsonObject, JsonPrimitive, JsonValue } from './lib/json';
export * from './lib/model-registry.repository';
export * from './lib/prediction-log.repository';
// Row shapes and mappers stay internal; the rest is the registry's public vocabulary.
export {
  MODEL_ALIAS_PATTERN,
  MODEL_NAME_PATTERN,
  PRODUCTION_ALIAS,
  formatModelReference,
  parseModelReference,
  type ModelDetails,
  type ModelReference,
  type ModelSummary,
  type ModelVersion,
  type RegisterModelVersion,
  type SetAliasResult,
} from './lib/model-registry.types';
export * from './lib/training-run.repository';
export {
  TRAINING_KINDS,
  type CompleteTrainingRun,
  type EpochMetrics,
  type ListTrainingRunsQuery,
  type StartTrainingRun,
  type TrainingKind,
  type TrainingRun,
  type TrainingStatus,
} from './lib/training-run.types';
export * from './lib/monitoring/schedule.repository';
export * from './lib/monitoring/drift-report.repository';
export * from './lib/monitoring/comparison-report.repository';
export * from './lib/monitoring/report-rendering';
