import type { Registry } from 'prom-client';
import { createInferenceMetrics, createMetricsRegistry, createRpcWorkerMetrics, type InferenceMetrics } from '@sentiment-ops/metrics';

export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/** The replica's metrics, registered once on its own registry. */
export class InferenceTelemetry {
  readonly registry: Registry;
  readonly inference: InferenceMetrics;
  readonly rpc: ReturnType<typeof createRpcWorkerMetrics>;

  constructor(replicaId: string) {
    this.registry = createMetricsRegistry({ service: 'inference', replica: replicaId });
    this.inference = createInferenceMetrics(this.registry);
    this.rpc = createRpcWorkerMetrics(this.registry);
  }
}
