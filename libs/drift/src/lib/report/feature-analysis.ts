import {
  NUMERIC_DRIFT_FEATURES,
  type DatasetDriftResult,
  type FeatureDriftResult,
  type NumericDriftFeature,
  type NumericSummary,
  type SentimentLabel,
  type SharedHistogram,
} from '@sentiment-ops/contracts';
import { categoricalDrift, datasetDrift, numericDrift, type FeatureDrift } from '../detect-drift';

/** What drift is measured on, per logged prediction (or per prediction on a reference dataset). */
export interface PredictionFeatures {
  textLength: number;
  confidence: number;
  label: SentimentLabel;
  probabilities: Record<SentimentLabel, number>;
}

export interface FeatureThresholds {
  /** KS and chi-square: drift when p < pValue. */
  pValue: number;
  /** Normed Wasserstein and Jensen-Shannon: drift when distance ≥ distance. */
  distance: number;
  /** Dataset drift when at least this share of judged features drifted. */
  datasetShare: number;
  /** Fewer rows on either side: insufficient_data. */
  minRows: number;
  /** Reference rows up to which the p-value tests are used. */
  smallSampleThreshold: number;
  histogramBins: number;
}

export const DEFAULT_FEATURE_THRESHOLDS: FeatureThresholds = { pValue: 0.05, distance: 0.1, datasetShare: 0.5, minRows: 30, smallSampleThreshold: 1000, histogramBins: 20 };

const NUMERIC_VALUE: Record<NumericDriftFeature, (row: PredictionFeatures) => number> = {
  text_length: (row) => row.textLength,
  confidence: (row) => row.confidence,
  prob_negative: (row) => row.probabilities.negative,
  prob_neutral: (row) => row.probabilities.neutral,
  prob_positive: (row) => row.probabilities.positive,
};

/** Probabilities and confidence live on [0, 1]: fixed bins keep histograms of different reports comparable. */
const UNIT_INTERVAL_FEATURES: ReadonlySet<NumericDriftFeature> = new Set(['confidence', 'prob_negative', 'prob_neutral', 'prob_positive']);

export function summarise(values: readonly number[]): NumericSummary {
  if (values.length === 0) return { mean: null, std: null, min: null, max: null, median: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  // Population std (ddof 0), as the reference system reported it.
  const std = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { mean, std, min: sorted[0], max: sorted[sorted.length - 1], median };
}

/** Reference and current counted on the same equal-width bins; the last bin includes its upper edge. */
export function sharedHistogram(reference: readonly number[], current: readonly number[], bins: number, range?: [number, number]): SharedHistogram {
  const all = [...reference, ...current];
  const [low, observedHigh] = range ?? [all.length ? all.reduce((a, b) => Math.min(a, b)) : 0, all.length ? all.reduce((a, b) => Math.max(a, b)) : 1];
  const high = observedHigh > low ? observedHigh : low + 1;
  const width = (high - low) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? high : low + i * width));
  const count = (values: readonly number[]): number[] => {
    const counts = new Array<number>(bins).fill(0);
    for (const value of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((value - low) / width)))]++;
    return counts;
  };
  return { edges, reference: count(reference), current: count(current) };
}

const labelCounts = (rows: readonly PredictionFeatures[]): Record<SentimentLabel, number> => {
  const counts = { negative: 0, neutral: 0, positive: 0 };
  for (const row of rows) counts[row.label]++;
  return counts;
};

const toResult = (feature: FeatureDriftResult['feature'], kind: FeatureDriftResult['kind'], verdict: FeatureDrift): FeatureDriftResult => ({
  feature,
  kind,
  test: verdict.test,
  status: verdict.status,
  score: verdict.score ?? null,
  threshold: verdict.threshold,
  drifted: verdict.drifted ?? null,
  psi: verdict.psi ?? null,
  referenceRows: verdict.referenceRows,
  currentRows: verdict.currentRows,
});

/**
 * Every feature's verdict (numeric: KS / normed Wasserstein; predicted label: chi-square / Jensen-Shannon,
 * by reference size as Evidently does), with summaries and histograms for the report, and the
 * dataset-level verdict. Too-small windows give insufficient_data, never "no drift".
 */
export function analyseFeatures(
  reference: readonly PredictionFeatures[],
  current: readonly PredictionFeatures[],
  thresholds: FeatureThresholds = DEFAULT_FEATURE_THRESHOLDS,
): { features: FeatureDriftResult[]; dataset: DatasetDriftResult } {
  const options = { minRows: thresholds.minRows, smallSampleThreshold: thresholds.smallSampleThreshold };
  const features: FeatureDriftResult[] = NUMERIC_DRIFT_FEATURES.map((feature) => {
    const referenceValues = reference.map(NUMERIC_VALUE[feature]);
    const currentValues = current.map(NUMERIC_VALUE[feature]);
    const verdict = numericDrift(referenceValues, currentValues, { ...options, ksAlpha: thresholds.pValue, wassersteinThreshold: thresholds.distance });
    return {
      ...toResult(feature, 'numeric', verdict),
      summary: { reference: summarise(referenceValues), current: summarise(currentValues) },
      histogram: sharedHistogram(referenceValues, currentValues, thresholds.histogramBins, UNIT_INTERVAL_FEATURES.has(feature) ? [0, 1] : undefined),
    };
  });
  const counts = { reference: labelCounts(reference), current: labelCounts(current) };
  const labelVerdict = categoricalDrift(counts.reference, counts.current, { ...options, chiSquareAlpha: thresholds.pValue, jensenShannonThreshold: thresholds.distance });
  features.push({ ...toResult('predicted_label', 'categorical', labelVerdict), counts });

  const verdicts = Object.fromEntries(features.map((feature) => [feature.feature, { status: feature.status, drifted: feature.drifted ?? undefined } as FeatureDrift]));
  const overall = datasetDrift(verdicts, thresholds.datasetShare);
  return {
    features,
    dataset: {
      status: overall.status,
      drifted: overall.drifted ?? null,
      driftedFeatures: overall.driftedFeatures.length,
      evaluatedFeatures: overall.judgedFeatures,
      share: overall.driftedShare ?? null,
      threshold: thresholds.datasetShare,
    },
  };
}
