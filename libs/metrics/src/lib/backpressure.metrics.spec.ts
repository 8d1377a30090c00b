import { createBackpressureMetrics, createBulkYieldMetrics } from './backpressure.metrics';
import { createMetricsRegistry } from './registry';

describe('backpressure metrics', () => {
  it('reads the live lane once per scrape and counts refusals by limit', async () => {
    const registry = createMetricsRegistry();
    const read = jest.fn().mockResolvedValue({ backlogItems: 640, estimatedWaitSeconds: 3.2 });
    const metrics = createBackpressureMetrics(registry, read);
    metrics.rejectionsTotal.inc({ limit: 'depth' });
    createBulkYieldMetrics(registry).throttledSecondsTotal.inc(1.5);

    const text = await registry.metrics();
    expect(text).toContain('live_queue_backlog_items 640');
    expect(text).toContain('live_queue_estimated_wait_seconds 3.2');
    expect(text).toContain('http_backpressure_rejections_total{limit="depth"} 1');
    expect(text).toContain('evaluation_throttled_seconds_total 1.5');
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('leaves the gauges alone when the lane cannot be read or no wait is known yet', async () => {
    const registry = createMetricsRegistry();
    const read = jest.fn().mockRejectedValueOnce(new Error('redis down')).mockResolvedValueOnce({ backlogItems: 2, estimatedWaitSeconds: null });
    createBackpressureMetrics(registry, read);
    expect(await registry.metrics()).toContain('live_queue_backlog_items 0');
    const text = await registry.metrics();
    expect(text).toContain('live_queue_backlog_items 2');
    expect(text).toContain('live_queue_estimated_wait_seconds 0');
  });
});
