import type { SentimentLabel } from '../sentiment/sentiment-label';

/** How the evaluated rows are drawn from a split. */
export const SAMPLING_STRATEGIES = ['first', 'random', 'stratified'] as const;
export type SamplingStrategy = (typeof SAMPLING_STRATEGIES)[number];

export const EVALUATION_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Rows whose true label is this class. */
  support: number;
}

/**
 * Scores of one evaluation. Averages are over all three classes; a class with no true and no
 * predicted rows scores `zeroDivision` (0 by default) instead of being dropped.
 */
export interface ClassificationReport {
  samples: number;
  accuracy: number;
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  weightedPrecision: number;
  weightedRecall: number;
  weightedF1: number;
  perClass: Record<SentimentLabel, ClassMetrics>;
  /** rows = true label, columns = predicted label, both in negative/neutral/positive order. */
  confusionMatrix: number[][];
  zeroDivision: number;
}

/** What an evaluation was asked to do. */
export interface EvaluationParameters {
  dataset: string;
  split: string;
  /** Rows to evaluate; null = the whole split (capped by MAX_EVAL_SAMPLES). */
  samples: number | null;
  sampling: SamplingStrategy;
  /** Seed of random / stratified sampling (recorded so a run can be repeated). */
  seed: number;
  /** Model that predicts: a registered name, hub id or folder; null = the inference default. */
  modelName: string | null;
}

/** One evaluation run, as stored in Postgres and returned by the API. */
export interface EvaluationRun extends EvaluationParameters {
  id: string;
  status: EvaluationStatus;
  /** 0..1 */
  progress: number;
  /** The model that actually answered (name and content version), known once predictions start. */
  resolvedModel: string | null;
  modelVersion: string | null;
  samplesEvaluated: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  attempts: number;
  error: string | null;
  /** Name of the API key that queued the run (quotas are counted per key); null for runs queued without one. */
  ownerKey: string | null;
  report: ClassificationReport | null;
}
