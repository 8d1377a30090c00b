import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export const RPC_METRIC = {
  streamLength: 'rpc_stream_length',
  streamPending: 'rpc_stream_pending',
  streamLag: 'rpc_stream_lag',
  reclaimedTotal: 'rpc_reclaimed_total',
  deadLetteredTotal: 'rpc_dead_lettered_total',
  clientRequestsTotal: 'rpc_client_requests_total',
  clientDurationSeconds: 'rpc_client_duration_seconds',
} as const;

export interface StreamStatsSample {
  lane: string;
  length: number;
  pending: number;
  lag: number | null;
}

/** Stream gauges are read from Redis at scrape time, so they are never stale. */
export const createRpcStreamMetrics = (registry: Registry, readStats: () => Promise<StreamStatsSample[]>) => {
  // prom-client collects all metrics of a scrape concurrently: the three gauges share one read.
  let current: Promise<StreamStatsSample[]> | undefined;
  const read = (): Promise<StreamStatsSample[]> =>
    (current ??= readStats()
      .catch(() => [])
      .finally(() => (current = undefined)));
  const gauge = (name: string, help: string, pick: (sample: StreamStatsSample) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['lane'],
      registers: [registry],
      async collect() {
        for (const sample of await read()) {
          const value = pick(sample);
          if (value !== null) this.set({ lane: sample.lane }, value);
        }
      },
    });
  return {
    length: gauge(RPC_METRIC.streamLength, 'Entries in the RPC request stream', (s) => s.length),
    pending: gauge(RPC_METRIC.streamPending, 'Entries read by a replica but not yet acknowledged', (s) => s.pending),
    lag: gauge(RPC_METRIC.streamLag, 'Entries not yet read by any replica (consumer group lag)', (s) => s.lag),
  };
};

export const createRpcWorkerMetrics = (registry: Registry) => ({
  reclaimedTotal: new Counter({ name: RPC_METRIC.reclaimedTotal, help: 'Entries reclaimed from a replica that stopped answering', labelNames: ['lane'], registers: [registry] }),
  deadLetteredTotal: new Counter({ name: RPC_METRIC.deadLetteredTotal, help: 'Entries moved to the dead-letter stream', labelNames: ['lane'], registers: [registry] }),
});

export const createRpcClientMetrics = (registry: Registry) => ({
  requestsTotal: new Counter({ name: RPC_METRIC.clientRequestsTotal, help: 'RPC calls by pattern, lane and outcome', labelNames: ['pattern', 'lane', 'outcome'], registers: [registry] }),
  duration: new Histogram({
    name: RPC_METRIC.clientDurationSeconds,
    help: 'RPC round-trip time seen by the caller',
    labelNames: ['pattern', 'lane'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  }),
});
