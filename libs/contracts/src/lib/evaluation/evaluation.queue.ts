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
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

/** Payload of an evaluation job; the run row (same id) holds status and results. */
export interface EvaluateDatasetJobData extends EvaluationParameters {
  runId: string;
}

export type JobItem = { name: typeof JobName.EvaluateDataset; data: EvaluateDatasetJobData };

/** The payload type of a job name, so producers and processors cannot disagree. */
export type JobOf<N extends JobName> = Extract<JobItem, { name: N }>['data'];
