import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  InferenceErrorCode,
  InferenceLane,
  INFERENCE_LANES,
  INFERENCE_SERVICE,
  InferencePattern,
  isInferenceRpcError,
  type PingResponse,
  type PredictResponse,
} from '@sentiment-ops/contracts';
import { isRpcTransportError, RedisStreamsClient, RpcDeadlineExceededError } from '@sentiment-ops/redis-rpc';
import { lastValueFrom } from 'rxjs';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { GatewayTelemetry } from '../metrics/gateway-telemetry';
import { InferenceException, InferenceFailure } from './inference.errors';

export interface InferenceCallOptions {
  lane?: InferenceLane;
  timeoutMs?: number;
}

/** Typed, bounded client of the inference replicas: every call ends by its deadline. */
@Injectable()
export class InferenceClient implements OnApplicationShutdown {
  private readonly client: RedisStreamsClient;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    telemetry: GatewayTelemetry,
  ) {
    this.client = new RedisStreamsClient(
      {
        url: config.redis.url,
        prefix: config.redis.prefix,
        service: INFERENCE_SERVICE,
        lanes: INFERENCE_LANES,
        defaultLane: InferenceLane.Live,
        defaultTimeoutMs: config.inference.timeoutMs,
        observer: {
          onCallCompleted: ({ pattern, lane, outcome, durationMs }) => {
            telemetry.rpc.requestsTotal.inc({ pattern, lane, outcome });
            telemetry.rpc.duration.observe({ pattern, lane }, durationMs / 1000);
          },
        },
      },
    );
  }

  predict(texts: string[], options: InferenceCallOptions = {}): Promise<PredictResponse> {
    return this.call<PredictResponse>(InferencePattern.Predict, { texts }, options);
  }

  ping(timeoutMs: number): Promise<PingResponse> {
    return this.call<PingResponse>(InferencePattern.Ping, {}, { timeoutMs });
  }

  private async call<T>(pattern: InferencePattern, payload: object, options: InferenceCallOptions): Promise<T> {
    try {
      return await lastValueFrom(this.client.send<T>(pattern, payload, { lane: options.lane ?? InferenceLane.Live, timeoutMs: options.timeoutMs }));
    } catch (error) {
      throw toInferenceException(error);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

const toInferenceException = (error: unknown): InferenceException => {
  if (isRpcTransportError(error)) {
    return error instanceof RpcDeadlineExceededError
      ? new InferenceException(InferenceFailure.DeadlineExceeded, 'no inference replica answered before the deadline')
      : new InferenceException(InferenceFailure.Unavailable, `inference service unavailable: ${error.message}`);
  }
  if (isInferenceRpcError(error)) {
    switch (error.code) {
      case InferenceErrorCode.InvalidRequest:
        return new InferenceException(InferenceFailure.InvalidRequest, error.message);
      case InferenceErrorCode.ModelNotFound:
        return new InferenceException(InferenceFailure.ModelNotFound, error.message);
      default:
        return new InferenceException(InferenceFailure.Failed, error.message);
    }
  }
  const message = typeof error === 'object' && error !== null && 'message' in error ? String((error as { message: unknown }).message) : String(error);
  return new InferenceException(InferenceFailure.Failed, `inference failed: ${message}`);
};
