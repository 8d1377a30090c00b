import { Counter, type Registry } from 'prom-client';

export const PREDICTION_LOG_METRIC = {
  writtenTotal: 'prediction_log_written_total',
  droppedTotal: 'prediction_log_dropped_total',
  writeFailuresTotal: 'prediction_log_write_failures_total',
} as const;

export interface PredictionLogMetrics {
  /** Rows inserted into prediction_log. */
  writtenTotal: Counter;
  /** Sampled rows never written; reason: buffer_full (oldest dropped) or write_failed (batch lost). */
  droppedTotal: Counter<'reason'>;
  /** Batch inserts that failed (Postgres down or slow). */
  writeFailuresTotal: Counter;
}

export const createPredictionLogMetrics = (registry: Registry): PredictionLogMetrics => ({
  writtenTotal: new Counter({ name: PREDICTION_LOG_METRIC.writtenTotal, help: 'Sampled live predictions written to the prediction log', registers: [registry] }),
  droppedTotal: new Counter({
    name: PREDICTION_LOG_METRIC.droppedTotal,
    help: 'Sampled live predictions not written, by reason (buffer_full, write_failed)',
    labelNames: ['reason'],
    registers: [registry],
  }),
  writeFailuresTotal: new Counter({ name: PREDICTION_LOG_METRIC.writeFailuresTotal, help: 'Prediction log batch inserts that failed', registers: [registry] }),
});
