import type { Registry } from 'prom-client';
import {
  createHttpMetrics,
  createPredictionLogMetrics,
  createMetricsRegistry,
  createRpcClientMetrics,
  createSecurityMetrics,
  createSentimentMetrics,
  type HttpMetrics,
  type PredictionLogMetrics,
  type SecurityMetrics,
  type SentimentMetrics,
} from '@sentiment-ops/metrics';

/** The gateway's metrics, registered once on its own registry (served at /admin/metrics). */
export class GatewayTelemetry {
  readonly registry: Registry;
  readonly sentiment: SentimentMetrics;
  readonly http: HttpMetrics;
  readonly rpc: ReturnType<typeof createRpcClientMetrics>;
  readonly security: SecurityMetrics;
  readonly predictionLog: PredictionLogMetrics;

  constructor() {
    this.registry = createMetricsRegistry({ service: 'gateway' });
    this.sentiment = createSentimentMetrics(this.registry);
    this.http = createHttpMetrics(this.registry);
    this.rpc = createRpcClientMetrics(this.registry);
    this.security = createSecurityMetrics(this.registry);
    this.predictionLog = createPredictionLogMetrics(this.registry);
  }
}
