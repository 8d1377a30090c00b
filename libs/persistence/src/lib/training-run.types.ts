import { iso, type JsonObject } from './json';

/** Stored in training_runs.kind (a CHECK constraint): adding one needs a migration. */
export const TRAINING_KINDS = ['train-lite', 'fine-tune'] as const;
export type TrainingKind = (typeof TRAINING_KINDS)[number];
export type TrainingStatus = 'running' | 'completed' | 'failed';

/** One epoch's numbers, e.g. `{ epoch: 3, loss: 0.41, validationMacroF1: 0.63 }`. */
export interface EpochMetrics {
  epoch: number;
  [metric: string]: number;
}

export interface StartTrainingRun {
  /** Defaults to a fresh UUID; pass one to make a retried start idempotent. */
  id?: string;
  kind: TrainingKind;
  /** Reference of the model being fine-tuned (e.g. `sentiment-lite@1`); null for training from scratch. */
  baseModel?: string | null;
  dataset: string;
  split: string;
  parameters: JsonObject;
  mlflowRunId?: string | null;
}

export interface CompleteTrainingRun {
  finalMetrics: JsonObject;
  /** The registered result; give both or neither. */
  model?: string;
  version?: number;
  mlflowRunId?: string;
}

export interface TrainingRun {
  id: string;
  kind: TrainingKind;
  status: TrainingStatus;
  baseModel: string | null;
  dataset: string;
  split: string;
  parameters: JsonObject;
  /** In epoch order. */
  epochs: EpochMetrics[];
  finalMetrics: JsonObject | null;
  model: string | null;
  version: number | null;
  mlflowRunId: string | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface ListTrainingRunsQuery {
  /** 1..100, default 20. */
  limit?: number;
  offset?: number;
}

export interface TrainingRunRow {
  id: string;
  kind: TrainingKind;
  status: TrainingStatus;
  base_model: string | null;
  dataset: string;
  split: string;
  parameters: JsonObject;
  epochs: EpochMetrics[];
  final_metrics: JsonObject | null;
  model: string | null;
  version: number | null;
  mlflow_run_id: string | null;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

export const TRAINING_RUN_COLUMNS = `id, kind, status, base_model, dataset, split, parameters, epochs, final_metrics, model, version,
  mlflow_run_id, error, started_at, finished_at`;

export const toTrainingRun = (row: TrainingRunRow): TrainingRun => ({
  id: row.id,
  kind: row.kind,
  status: row.status,
  baseModel: row.base_model,
  dataset: row.dataset,
  split: row.split,
  parameters: row.parameters,
  epochs: row.epochs,
  finalMetrics: row.final_metrics,
  model: row.model,
  version: row.version,
  mlflowRunId: row.mlflow_run_id,
  error: row.error,
  startedAt: row.started_at.toISOString(),
  finishedAt: iso(row.finished_at),
});
