import type { Provider } from '@nestjs/common';
import { InferenceClient } from '@sentiment-ops/inference-client';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { GatewayTelemetry } from '../metrics/gateway-telemetry';
import { LiveLaneBudget } from './live-lane-budget';

/** One budget per gateway process: it reads the live lane through the inference client's connection. */
export const liveLaneBudgetProvider: Provider = {
  provide: LiveLaneBudget,
  inject: [GATEWAY_CONFIG, InferenceClient, GatewayTelemetry],
  useFactory: (config: GatewayConfig, inference: InferenceClient, telemetry: GatewayTelemetry) =>
    new LiveLaneBudget(inference, { limits: config.backpressure, registry: telemetry.registry }),
};
