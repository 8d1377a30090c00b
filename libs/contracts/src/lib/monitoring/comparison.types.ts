import type { ComparisonTarget, RunTrigger } from './monitoring.queue';
import type { ReportStatus } from './drift.types';

/** One child evaluation of a model-evaluation flow, as the parent found it. */
export interface ComparisonEntry extends ComparisonTarget {
  runId: string;
  status: 'completed' | 'failed' | 'cancelled' | 'missing';
  resolvedModel: string | null;
  accuracy: number | null;
  macroF1: number | null;
  macroRecall: number | null;
  samplesEvaluated: number | null;
  error: string | null;
}

/** A candidate compared with the production model on the same dataset and split. */
export interface ComparisonDelta {
  dataset: string;
  split: string;
  baseline: string;
  candidate: string;
  accuracyDelta: number;
  macroF1Delta: number;
}

export interface ComparisonReport {
  id: string;
  status: ReportStatus;
  trigger: RunTrigger;
  requestedBy: string | null;
  /** True when at least one child did not complete: the report says which and leaves them out of the deltas. */
  partial: boolean;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
  targets: ComparisonTarget[];
  runIds: string[];
  entries: ComparisonEntry[];
  deltas: ComparisonDelta[];
}
