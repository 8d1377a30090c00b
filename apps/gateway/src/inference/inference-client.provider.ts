import type { Provider } from '@nestjs/common';
import { InferenceClient } from '@sentiment-ops/inference-client';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { GatewayTelemetry } from '../metrics/gateway-telemetry';

/** The gateway's client of the inference replicas: live lane, RPC metrics, closed on shutdown. */
export const inferenceClientProvider: Provider = {
  provide: InferenceClient,
  inject: [GATEWAY_CONFIG, GatewayTelemetry],
  useFactory: (config: GatewayConfig, telemetry: GatewayTelemetry) =>
    new InferenceClient({
      redisUrl: config.redis.url,
      redisPrefix: config.redis.prefix,
      defaultTimeoutMs: config.inference.timeoutMs,
      observer: {
        onCallCompleted: ({ pattern, lane, outcome, durationMs }) => {
          telemetry.rpc.requestsTotal.inc({ pattern, lane, outcome });
          telemetry.rpc.duration.observe({ pattern, lane }, durationMs / 1000);
        },
      },
    }),
};
