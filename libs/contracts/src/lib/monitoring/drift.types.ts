import type { SentimentLabel } from '../sentiment/sentiment-label';
import type { DriftRunParameters, RunTrigger } from './monitoring.queue';

/** Features of a prediction-log row that drift is measured on. */
export const NUMERIC_DRIFT_FEATURES = ['text_length', 'confidence', 'prob_negative', 'prob_neutral', 'prob_positive'] as const;
export type NumericDriftFeature = (typeof NUMERIC_DRIFT_FEATURES)[number];
export const CATEGORICAL_DRIFT_FEATURES = ['predicted_label'] as const;
export type CategoricalDriftFeature = (typeof CATEGORICAL_DRIFT_FEATURES)[number];
export type DriftFeatureName = NumericDriftFeature | CategoricalDriftFeature;

export type DriftTestName = 'ks' | 'wasserstein' | 'chi_square' | 'jensen_shannon';

export const REPORT_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const ALERT_SEVERITIES = ['WARNING', 'CRITICAL'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_TYPES = [
  'TEXT_LENGTH_DRIFT',
  'CONFIDENCE_DRIFT',
  'PROBABILITY_DRIFT',
  'LABEL_DRIFT',
  'DATASET_DRIFT',
  'ACCURACY_DRIFT',
  'F1_DRIFT',
  'ESTIMATED_ACCURACY_DRIFT',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/** Histogram of one numeric feature, reference and current counted on the same bins. */
export interface SharedHistogram {
  /** bins + 1 ascending edges; the last bin includes its upper edge. */
  edges: number[];
  reference: number[];
  current: number[];
}

export interface NumericSummary {
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  median: number | null;
}

/** The verdict on one feature. `drifted` is null when a window was too small to judge (never "no drift"). */
export interface FeatureDriftResult {
  feature: DriftFeatureName;
  kind: 'numeric' | 'categorical';
  test: DriftTestName;
  status: 'ok' | 'insufficient_data';
  /** p-value (ks, chi_square: drift below threshold) or distance (wasserstein, jensen_shannon: drift at or above threshold). */
  score: number | null;
  threshold: number;
  drifted: boolean | null;
  psi: number | null;
  referenceRows: number;
  currentRows: number;
  /** Numeric features: summaries and a shared histogram. */
  summary?: { reference: NumericSummary; current: NumericSummary };
  histogram?: SharedHistogram;
  /** predicted_label: counts per label. */
  counts?: { reference: Record<SentimentLabel, number>; current: Record<SentimentLabel, number> };
}

export interface DatasetDriftResult {
  status: 'ok' | 'insufficient_data';
  drifted: boolean | null;
  driftedFeatures: number;
  evaluatedFeatures: number;
  /** Share of evaluated features that drifted; dataset drift when ≥ threshold. */
  share: number | null;
  threshold: number;
}

/** Labelled performance: the latest completed evaluation of a (model, dataset, split) against the ones before it. */
export interface PerformanceDriftResult {
  model: string;
  dataset: string;
  split: string;
  status: 'ok' | 'insufficient_data';
  reference: { runs: number; accuracy: number; macroF1: number; from: string; to: string } | null;
  current: { runId: string; accuracy: number; macroF1: number; finishedAt: string } | null;
  accuracyDelta: number | null;
  macroF1Delta: number | null;
  thresholds: { accuracy: number; macroF1: number };
}

/**
 * Label-free accuracy of live traffic from calibrated confidence: the model's confidence is mapped to
 * the accuracy observed at that confidence on a labelled calibration set (histogram binning), and a
 * window's estimate is its mean calibrated confidence.
 */
export interface EstimatedAccuracyResult {
  method: 'calibrated_confidence';
  status: 'ok' | 'unavailable' | 'insufficient_data';
  reason: string | null;
  calibration: { dataset: string; split: string; rows: number; accuracy: number; meanConfidence: number; bins: number; expectedCalibrationError: number } | null;
  reference: number | null;
  current: number | null;
  delta: number | null;
  /** Alert when the estimate drops by more than this. */
  threshold: number;
  meanConfidence: { reference: number | null; current: number | null };
}

export interface DriftAlert {
  id: string;
  reportId: string;
  type: AlertType;
  severity: AlertSeverity;
  /** Feature the alert is about, or model/dataset/split for performance alerts; null for dataset-level drift. */
  feature: string | null;
  message: string;
  threshold: number;
  actualValue: number;
  createdAt: string;
}

export interface WebhookDelivery {
  /** pending: alerts were stored and delivery is under way (retries included). */
  status: 'not_configured' | 'no_alerts' | 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
}

export interface DriftWindowSummary {
  kind: 'log' | 'dataset';
  description: string;
  from: string | null;
  to: string | null;
  rows: number;
}

export interface DriftReport {
  id: string;
  status: ReportStatus;
  trigger: RunTrigger;
  requestedBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  parameters: Partial<DriftRunParameters>;
  /** Filled once the run completes. */
  result: DriftReportResult | null;
  alerts: DriftAlert[];
}

export interface DriftReportResult {
  model: string | null;
  reference: DriftWindowSummary;
  current: DriftWindowSummary;
  features: FeatureDriftResult[];
  dataset: DatasetDriftResult;
  performance: PerformanceDriftResult[];
  estimatedAccuracy: EstimatedAccuracyResult;
  webhook: WebhookDelivery;
}
