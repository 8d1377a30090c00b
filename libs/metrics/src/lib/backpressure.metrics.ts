import { Counter, Gauge, type Registry } from 'prom-client';

export const BACKPRESSURE_METRIC = {
  rejectionsTotal: 'http_backpressure_rejections_total',
  liveBacklogItems: 'live_queue_backlog_items',
  liveEstimatedWaitSeconds: 'live_queue_estimated_wait_seconds',
  evaluationThrottledSecondsTotal: 'evaluation_throttled_seconds_total',
} as const;

/** What one gateway knows about the live lane at scrape time. */
export interface LiveLaneSample {
  backlogItems: number;
  /** null until the gateway has timed a prediction. */
  estimatedWaitSeconds: number | null;
}

export interface BackpressureMetrics {
  /** 503 answers of the live-lane budget, by the limit that refused (depth or wait). */
  rejectionsTotal: Counter<'limit'>;
}

/** The gateway's admission control: its refusals, and the backlog and wait it judges by (read at scrape time). */
export const createBackpressureMetrics = (registry: Registry, readLiveLane: () => Promise<LiveLaneSample>): BackpressureMetrics => {
  let current: Promise<LiveLaneSample | undefined> | undefined;
  // Both gauges share one read per scrape (prom-client collects them concurrently).
  const read = (): Promise<LiveLaneSample | undefined> =>
    (current ??= readLiveLane()
      .catch(() => undefined)
      .finally(() => (current = undefined)));
  new Gauge({
    name: BACKPRESSURE_METRIC.liveBacklogItems,
    help: 'Live-lane requests not answered yet, in texts, as this gateway counts them for LIVE_QUEUE_MAX_DEPTH',
    registers: [registry],
    async collect() {
      const sample = await read();
      if (sample) this.set(sample.backlogItems);
    },
  });
  new Gauge({
    name: BACKPRESSURE_METRIC.liveEstimatedWaitSeconds,
    help: 'Estimated wait of a new live request before a replica starts on it, compared with LIVE_QUEUE_MAX_WAIT_MS',
    registers: [registry],
    async collect() {
      const sample = await read();
      if (sample?.estimatedWaitSeconds !== null && sample?.estimatedWaitSeconds !== undefined) this.set(sample.estimatedWaitSeconds);
    },
  });
  return {
    rejectionsTotal: new Counter({
      name: BACKPRESSURE_METRIC.rejectionsTotal,
      help: 'Prediction requests refused with 503 because the live lane was over its budget, by limit (depth or wait)',
      labelNames: ['limit'],
      registers: [registry],
    }),
  };
};

/** The evaluation worker holding its bulk requests back while live traffic is queued. */
export const createBulkYieldMetrics = (registry: Registry) => ({
  throttledSecondsTotal: new Counter({
    name: BACKPRESSURE_METRIC.evaluationThrottledSecondsTotal,
    help: 'Time evaluation jobs spent waiting before a bulk request because the live lane had more than BULK_YIELD_LIVE_DEPTH requests queued',
    registers: [registry],
  }),
});

export type BulkYieldMetrics = ReturnType<typeof createBulkYieldMetrics>;
