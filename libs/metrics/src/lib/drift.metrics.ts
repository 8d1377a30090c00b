import { Counter, Gauge, type Registry } from 'prom-client';

// Drift and scheduled-monitoring series of the evaluation worker (dashboards and alert rules in docker/ depend on them).
export const DRIFT_METRIC = {
  score: 'sentiment_drift_score',
  detected: 'sentiment_drift_detected',
  alertsTotal: 'sentiment_drift_alerts_total',
  estimatedAccuracy: 'sentiment_estimated_accuracy',
  lastReportTimestamp: 'sentiment_drift_last_report_timestamp_seconds',
  scheduledRunsTotal: 'scheduled_runs_total',
  webhookDeliveriesTotal: 'alert_webhook_deliveries_total',
} as const;

export const createDriftMetrics = (registry: Registry) => ({
  /** p-value for ks / chi_square (drift when below the threshold), distance for wasserstein / jensen_shannon (drift when above). */
  score: new Gauge<'feature' | 'test'>({
    name: DRIFT_METRIC.score,
    help: 'Drift score of each feature in the latest drift report: p-value (ks, chi_square) or distance (wasserstein, jensen_shannon, psi)',
    labelNames: ['feature', 'test'],
    registers: [registry],
  }),
  detected: new Gauge<'feature'>({
    name: DRIFT_METRIC.detected,
    help: 'Whether the latest drift report found drift on the feature (1) or not (0); feature="dataset" is the dataset-level verdict. Absent when the window was too small',
    labelNames: ['feature'],
    registers: [registry],
  }),
  alertsTotal: new Counter<'type' | 'severity'>({
    name: DRIFT_METRIC.alertsTotal,
    help: 'Drift and performance alerts raised, by type and severity (WARNING, CRITICAL)',
    labelNames: ['type', 'severity'],
    registers: [registry],
  }),
  estimatedAccuracy: new Gauge<'window' | 'method'>({
    name: DRIFT_METRIC.estimatedAccuracy,
    help: 'Label-free accuracy estimate of live traffic in the latest drift report (window: reference or current)',
    labelNames: ['window', 'method'],
    registers: [registry],
  }),
  lastReportTimestamp: new Gauge({
    name: DRIFT_METRIC.lastReportTimestamp,
    help: 'Unix time of the latest completed drift report',
    registers: [registry],
  }),
  scheduledRunsTotal: new Counter<'schedule' | 'outcome'>({
    name: DRIFT_METRIC.scheduledRunsTotal,
    help: 'Runs of the built-in schedules (model-evaluation, drift-monitoring) by outcome (completed, partial: a model-evaluation report with a failed child, failed)',
    labelNames: ['schedule', 'outcome'],
    registers: [registry],
  }),
  webhookDeliveriesTotal: new Counter<'outcome'>({
    name: DRIFT_METRIC.webhookDeliveriesTotal,
    help: 'Alert webhook deliveries by outcome (delivered, failed) after retries',
    labelNames: ['outcome'],
    registers: [registry],
  }),
});

export type DriftMetrics = ReturnType<typeof createDriftMetrics>;
