import type { Registry } from 'prom-client';
import { createEvaluationMetrics, createMetricsRegistry, type EvaluationMetrics } from '@sentiment-ops/metrics';

/** The worker's metrics, on its own registry (served at /metrics). */
export class WorkerTelemetry {
  readonly registry: Registry;
  readonly evaluation: EvaluationMetrics;

  constructor(workerId: string) {
    this.registry = createMetricsRegistry({ service: 'evaluation-worker', worker: workerId });
    this.evaluation = createEvaluationMetrics(this.registry);
  }
}
