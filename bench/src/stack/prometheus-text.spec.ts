import { maxMetric, sumMetric } from './prometheus-text';

const exposition = `# HELP inference_batch_size Items per model call
# TYPE inference_batch_size histogram
inference_batch_size_bucket{le="1"} 3
inference_batch_size_sum 42
inference_batch_size_count 7
inference_items_total{model="a",lane="live"} 10
inference_items_total{model="a",lane="bulk"} 5
nodejs_eventloop_lag_p99_seconds 0.012
`;

describe('Prometheus text helpers', () => {
  it('sums a metric over its label sets and ignores look-alike names', () => {
    expect(sumMetric(exposition, 'inference_items_total')).toBe(15);
    expect(sumMetric(exposition, 'inference_batch_size_sum')).toBe(42);
    expect(sumMetric(exposition, 'inference_batch_size')).toBe(0);
  });

  it('takes the maximum of a gauge, NaN when absent', () => {
    expect(maxMetric(exposition, 'nodejs_eventloop_lag_p99_seconds')).toBeCloseTo(0.012);
    expect(maxMetric(exposition, 'missing')).toBeNaN();
  });
});
