import {
  SENTIMENT_LABELS,
  type ClassMetrics,
  type EvaluationRun,
  type EvaluationStatus,
  type SamplingStrategy,
  type SentimentLabel,
} from '@sentiment-ops/contracts';
import { PersistenceErrorCode, PersistenceException } from './persistence.errors';

/** Columns of evaluation_runs as node-postgres returns them (int8 arrives as a string). */
export interface EvaluationRunRow {
  id: string;
  status: EvaluationStatus;
  dataset: string;
  split: string;
  samples_requested: number | null;
  sampling: SamplingStrategy;
  seed: string;
  model_name: string | null;
  resolved_model: string | null;
  model_version: string | null;
  samples_evaluated: number | null;
  progress: number;
  attempts: number;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  duration_ms: string | null;
  accuracy: number | null;
  macro_precision: number | null;
  macro_recall: number | null;
  macro_f1: number | null;
  weighted_precision: number | null;
  weighted_recall: number | null;
  weighted_f1: number | null;
  zero_division: number | null;
  confusion_matrix: number[][] | null;
  owner_key: string | null;
}

export interface ClassMetricsRow extends ClassMetrics {
  run_id: string;
  class_label: SentimentLabel;
}

export const RUN_COLUMNS = `id, status, dataset, split, samples_requested, sampling, seed, model_name, resolved_model,
  model_version, samples_evaluated, progress, attempts, error, created_at, started_at, finished_at, duration_ms,
  accuracy, macro_precision, macro_recall, macro_f1, weighted_precision, weighted_recall, weighted_f1, zero_division,
  confusion_matrix, owner_key`;

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);
const toNumber = (value: string | null): number | null => (value === null ? null : Number(value));

const buildReport = (row: EvaluationRunRow, classRows: readonly ClassMetricsRow[]): EvaluationRun['report'] => {
  if (row.status !== 'completed') return null;
  const perClass = {} as Record<SentimentLabel, ClassMetrics>;
  for (const label of SENTIMENT_LABELS) {
    const found = classRows.find((c) => c.class_label === label);
    if (!found) {
      throw new PersistenceException(PersistenceErrorCode.CorruptRow, `Completed run ${row.id} has no ${label} class metrics`);
    }
    perClass[label] = { precision: found.precision, recall: found.recall, f1: found.f1, support: found.support };
  }
  const matrix = row.confusion_matrix ?? [];
  const metric = (value: number | null): number => value ?? Number.NaN; // the table's CHECK keeps these set
  return {
    samples: matrix.reduce((sum, r) => sum + r.reduce((a, b) => a + b, 0), 0),
    accuracy: metric(row.accuracy),
    macroPrecision: metric(row.macro_precision),
    macroRecall: metric(row.macro_recall),
    macroF1: metric(row.macro_f1),
    weightedPrecision: metric(row.weighted_precision),
    weightedRecall: metric(row.weighted_recall),
    weightedF1: metric(row.weighted_f1),
    perClass,
    confusionMatrix: matrix,
    zeroDivision: row.zero_division ?? 0,
  };
};

/** A row (plus its class rows) in the contracts shape: ISO timestamps, report only once completed. */
export function toEvaluationRun(row: EvaluationRunRow, classRows: readonly ClassMetricsRow[] = []): EvaluationRun {
  return {
    id: row.id,
    status: row.status,
    dataset: row.dataset,
    split: row.split,
    samples: row.samples_requested,
    sampling: row.sampling,
    seed: Number(row.seed),
    modelName: row.model_name,
    resolvedModel: row.resolved_model,
    modelVersion: row.model_version,
    samplesEvaluated: row.samples_evaluated,
    progress: row.progress,
    attempts: row.attempts,
    error: row.error,
    ownerKey: row.owner_key,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    durationMs: toNumber(row.duration_ms),
    report: buildReport(row, classRows),
  };
}
