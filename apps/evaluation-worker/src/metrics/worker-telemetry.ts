import type { Registry } from 'prom-client';
import {
  createBulkYieldMetrics,
  createDriftMetrics,
  createEvaluationMetrics,
  createMetricsRegistry,
  type BulkYieldMetrics,
  type DriftMetrics,
  type EvaluationMetrics,
} from '@sentiment-ops/metrics';

/** The worker's metrics, on its own registry (served at /metrics). */
export class WorkerTelemetry {
  readonly registry: Registry;
  readonly evaluation: EvaluationMetrics;
  readonly bulkYield: BulkYieldMetrics;
  readonly drift: DriftMetrics;

  // No per-process label: the gauges describe results, which must not change series when a worker restarts.
  constructor() {
    this.registry = createMetricsRegistry({ service: 'evaluation-worker' });
    this.evaluation = createEvaluationMetrics(this.registry);
    this.bulkYield = createBulkYieldMetrics(this.registry);
    this.drift = createDriftMetrics(this.registry);
  }
}
