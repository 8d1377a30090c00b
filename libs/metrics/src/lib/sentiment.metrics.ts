import { Counter, Histogram, type Registry } from 'prom-client';

// Names, labels and buckets are those of the reference system: dashboards and alerts depend on
// them. Do not rename or re-bucket without migrating the Grafana dashboards.
export const SENTIMENT_METRIC = {
  predictionsTotal: 'sentiment_predictions_total',
  predictionLatencySeconds: 'sentiment_prediction_latency_seconds',
  textLength: 'sentiment_text_length',
  confidence: 'sentiment_confidence',
} as const;

export const PREDICTION_LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export const TEXT_LENGTH_BUCKETS = [10, 20, 50, 100, 200, 500, 1000];
export const CONFIDENCE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];

export interface SentimentMetrics {
  predictionsTotal: Counter<'sentiment'>;
  /** Observed once per API request (single or batch), not once per item as the reference did. */
  predictionLatency: Histogram;
  /** Unicode code points per text. */
  textLength: Histogram;
  confidence: Histogram;
}

export const createSentimentMetrics = (registry: Registry): SentimentMetrics => ({
  predictionsTotal: new Counter({
    name: SENTIMENT_METRIC.predictionsTotal,
    help: 'Total number of sentiment predictions',
    labelNames: ['sentiment'],
    registers: [registry],
  }),
  predictionLatency: new Histogram({
    name: SENTIMENT_METRIC.predictionLatencySeconds,
    help: 'Time spent processing a sentiment prediction request',
    buckets: PREDICTION_LATENCY_BUCKETS,
    registers: [registry],
  }),
  textLength: new Histogram({
    name: SENTIMENT_METRIC.textLength,
    help: 'Length of analysed texts in characters (Unicode code points)',
    buckets: TEXT_LENGTH_BUCKETS,
    registers: [registry],
  }),
  confidence: new Histogram({
    name: SENTIMENT_METRIC.confidence,
    help: 'Confidence score of sentiment predictions',
    buckets: CONFIDENCE_BUCKETS,
    registers: [registry],
  }),
});
