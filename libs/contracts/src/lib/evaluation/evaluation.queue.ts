import type { EvaluationParameters } from './evaluation.types';

/**
 * BullMQ queue and job names. WARNING: wire format (Redis keys). Renaming one strands the jobs
 * queued under the old name: change them only with a migration.
 */
export const QueueName = {
  Evaluation: 'evaluation',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  EvaluateDataset: 'evaluate-dataset',
  FineTune: 'fine-tune',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

/** Payload of an evaluation job; the run row (same id) holds status and results. */
export interface EvaluateDatasetJobData extends EvaluationParameters {
  runId: string;
}

/** Payload of a fine-tuning job; the training_runs row (same id) holds status and results. */
export interface FineTuneJobData {
  runId: string;
  /** The reference the client gave (e.g. sentiment-lite, sentiment-lite@2). */
  base: string;
  /** Folder of the base model, resolved by the gateway. */
  baseFolder: string;
  dataset: string;
  split: string;
  samples: number | null;
  holdout: number;
  seed: number;
  /** Registry name of the result. */
  outputName: string;
}

export type JobItem =
  | { name: typeof JobName.EvaluateDataset; data: EvaluateDatasetJobData }
  | { name: typeof JobName.FineTune; data: FineTuneJobData };

/** The payload type of a job name, so producers and processors cannot disagree. */
export type JobOf<N extends JobName> = Extract<JobItem, { name: N }>['data'];

/**
 * Options of every evaluation job, in one place: retries with exponential backoff for transient
 * faults (inference or Postgres unavailable), bounded history in Redis (Postgres keeps the record).
 */
export const EVALUATION_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1_000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 5_000 },
} as const;

/** Fine-tuning is deterministic: a failure will fail again, so it is not retried. */
export const FINE_TUNE_JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: { age: 7 * 24 * 3600, count: 1_000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 5_000 },
} as const;
