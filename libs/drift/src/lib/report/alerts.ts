import type { AlertType, DatasetDriftResult, DriftAlert, EstimatedAccuracyResult, FeatureDriftResult, PerformanceDriftResult } from '@sentiment-ops/contracts';

export type AlertDraft = Omit<DriftAlert, 'id' | 'reportId' | 'createdAt'>;

export interface AlertRules {
  /** CONFIDENCE_DRIFT is CRITICAL when the mean confidence moved by more than this (the reference's alert_confidence_shift, 0.15, which it never used). */
  confidenceShift: number;
}

export const DEFAULT_ALERT_RULES: AlertRules = { confidenceShift: 0.15 };

const FEATURE_ALERT: Record<FeatureDriftResult['feature'], AlertType> = {
  text_length: 'TEXT_LENGTH_DRIFT',
  confidence: 'CONFIDENCE_DRIFT',
  prob_negative: 'PROBABILITY_DRIFT',
  prob_neutral: 'PROBABILITY_DRIFT',
  prob_positive: 'PROBABILITY_DRIFT',
  predicted_label: 'LABEL_DRIFT',
};

const TEST_NAME = { ks: 'KS p-value', chi_square: 'chi-square p-value', wasserstein: 'normed Wasserstein distance', jensen_shannon: 'Jensen-Shannon distance' } as const;

const fixed = (value: number | null | undefined, digits = 4): string => (value === null || value === undefined ? 'n/a' : value.toFixed(digits));

const featureAlert = (feature: FeatureDriftResult, rules: AlertRules): AlertDraft => {
  const comparison = feature.test === 'ks' || feature.test === 'chi_square' ? '<' : '≥';
  const shift =
    feature.summary && feature.summary.reference.mean !== null && feature.summary.current.mean !== null
      ? feature.summary.current.mean - feature.summary.reference.mean
      : null;
  const critical = feature.feature === 'confidence' && shift !== null && Math.abs(shift) > rules.confidenceShift;
  const means = shift === null ? '' : ` (mean ${fixed(feature.summary!.reference.mean)} → ${fixed(feature.summary!.current.mean)})`;
  return {
    type: FEATURE_ALERT[feature.feature],
    severity: critical ? 'CRITICAL' : 'WARNING',
    feature: feature.feature,
    message: `${feature.feature} drifted: ${TEST_NAME[feature.test]} ${fixed(feature.score, 6)} ${comparison} ${feature.threshold}${means}${critical ? `; mean shift beyond ${rules.confidenceShift}` : ''}`,
    threshold: feature.threshold,
    actualValue: feature.score as number,
  };
};

/**
 * The alerts of one drift report: a WARNING per drifted feature (CONFIDENCE_DRIFT CRITICAL past the
 * confidence-shift rule), DATASET_DRIFT CRITICAL, ACCURACY_DRIFT / F1_DRIFT when a labelled delta
 * exceeds its threshold (CRITICAL for a drop, WARNING for a rise, as in the reference system) and
 * ESTIMATED_ACCURACY_DRIFT when the label-free estimate dropped by more than its threshold.
 */
export function buildAlerts(
  result: { features: readonly FeatureDriftResult[]; dataset: DatasetDriftResult; performance: readonly PerformanceDriftResult[]; estimatedAccuracy: EstimatedAccuracyResult },
  rules: AlertRules = DEFAULT_ALERT_RULES,
): AlertDraft[] {
  const alerts: AlertDraft[] = result.features.filter((feature) => feature.drifted === true).map((feature) => featureAlert(feature, rules));
  const { dataset } = result;
  if (dataset.drifted === true && dataset.share !== null) {
    alerts.push({
      type: 'DATASET_DRIFT',
      severity: 'CRITICAL',
      feature: null,
      message: `dataset drift: ${dataset.driftedFeatures} of ${dataset.evaluatedFeatures} features drifted (share ${fixed(dataset.share, 2)} ≥ ${dataset.threshold})`,
      threshold: dataset.threshold,
      actualValue: dataset.share,
    });
  }
  for (const performance of result.performance) {
    const subject = `${performance.model} on ${performance.dataset}/${performance.split}`;
    const checks = [
      { type: 'ACCURACY_DRIFT' as const, name: 'accuracy', delta: performance.accuracyDelta, threshold: performance.thresholds.accuracy },
      { type: 'F1_DRIFT' as const, name: 'macro-F1', delta: performance.macroF1Delta, threshold: performance.thresholds.macroF1 },
    ];
    for (const check of checks) {
      if (check.delta === null || Math.abs(check.delta) <= check.threshold) continue;
      alerts.push({
        type: check.type,
        severity: check.delta < 0 ? 'CRITICAL' : 'WARNING',
        feature: subject,
        message: `${check.name} of ${subject} ${check.delta < 0 ? 'dropped' : 'rose'} by ${fixed(Math.abs(check.delta))} (threshold ${check.threshold})`,
        threshold: check.threshold,
        actualValue: check.delta,
      });
    }
  }
  const estimate = result.estimatedAccuracy;
  if (estimate.status === 'ok' && estimate.delta !== null && estimate.delta < -estimate.threshold) {
    alerts.push({
      type: 'ESTIMATED_ACCURACY_DRIFT',
      severity: 'WARNING',
      feature: 'estimated_accuracy',
      message: `label-free accuracy estimate (calibrated confidence) dropped from ${fixed(estimate.reference)} to ${fixed(estimate.current)} (threshold ${estimate.threshold})`,
      threshold: estimate.threshold,
      actualValue: estimate.delta,
    });
  }
  return alerts;
}
