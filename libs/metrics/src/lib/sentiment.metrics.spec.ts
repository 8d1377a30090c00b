import { createMetricsRegistry } from './registry';
import { createSentimentMetrics, PREDICTION_LATENCY_BUCKETS } from './sentiment.metrics';

describe('sentiment metrics', () => {
  it('exposes the reference names, labels and buckets', async () => {
    const registry = createMetricsRegistry();
    const metrics = createSentimentMetrics(registry);
    metrics.predictionsTotal.inc({ sentiment: 'positive' });
    metrics.predictionLatency.observe(0.02);
    metrics.textLength.observe(42);
    metrics.confidence.observe(0.93);
    const text = await registry.metrics();
    expect(text).toContain('sentiment_predictions_total{sentiment="positive"} 1');
    for (const le of PREDICTION_LATENCY_BUCKETS) expect(text).toContain(`sentiment_prediction_latency_seconds_bucket{le="${le}"}`);
    expect(text).toContain('sentiment_text_length_bucket{le="50"} 1');
    expect(text).toContain('sentiment_text_length_bucket{le="20"} 0');
    expect(text).toContain('sentiment_confidence_bucket{le="0.95"} 1');
    expect(text).toContain('sentiment_confidence_bucket{le="0.9"} 0');
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });
});
