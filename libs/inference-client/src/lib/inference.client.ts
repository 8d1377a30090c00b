import {
  InferenceErrorCode,
  InferenceLane,
  INFERENCE_LANES,
  INFERENCE_SERVICE,
  InferencePattern,
  isInferenceRpcError,
  type ModelDescriptor,
  type PingResponse,
  type PredictResponse,
} from '@sentiment-ops/contracts';
import { isRpcTransportError, RedisStreamsClient, RpcDeadlineExceededError, type LaneStreamStats, type RedisStreamsClientObserver } from '@sentiment-ops/redis-rpc';
import { lastValueFrom } from 'rxjs';
import { InferenceException, InferenceFailure } from './inference.errors';

export interface InferenceClientOptions {
  redisUrl: string;
  redisPrefix: string;
  /** Deadline of a call when the caller gives none. */
  defaultTimeoutMs: number;
  defaultLane?: InferenceLane;
  observer?: RedisStreamsClientObserver;
}

export interface InferenceCallOptions {
  lane?: InferenceLane;
  timeoutMs?: number;
}

/**
 * Typed, bounded client of the inference replicas, shared by the gateway (live lane) and the
 * evaluation worker (bulk lane). Every call ends by its deadline with a result or an
 * InferenceException saying why.
 */
export class InferenceClient {
  private readonly client: RedisStreamsClient;
  private readonly defaultLane: InferenceLane;

  constructor(options: InferenceClientOptions) {
    this.defaultLane = options.defaultLane ?? InferenceLane.Live;
    this.client = new RedisStreamsClient({
      url: options.redisUrl,
      prefix: options.redisPrefix,
      service: INFERENCE_SERVICE,
      lanes: INFERENCE_LANES,
      defaultLane: this.defaultLane,
      defaultTimeoutMs: options.defaultTimeoutMs,
      observer: options.observer,
    });
  }

  predict(texts: string[], options: InferenceCallOptions & { model?: string } = {}): Promise<PredictResponse> {
    const payload = options.model ? { texts, model: options.model } : { texts };
    return this.call<PredictResponse>(InferencePattern.Predict, payload, options);
  }

  ping(timeoutMs: number): Promise<PingResponse> {
    return this.call<PingResponse>(InferencePattern.Ping, {}, { timeoutMs });
  }

  /** Resolves a model name without loading it; MODEL_NOT_FOUND for names no replica can serve. */
  resolveModel(model: string, timeoutMs: number): Promise<Pick<ModelDescriptor, 'name' | 'source' | 'revision' | 'dtype'>> {
    return this.call(InferencePattern.ResolveModel, { model }, { timeoutMs });
  }

  /** One lane's backlog as Redis sees it (waiting + pending entries); InferenceException(Unavailable) while Redis is away. */
  async laneStats(lane: InferenceLane): Promise<LaneStreamStats> {
    try {
      const [stats] = await this.client.readLaneStats([lane]);
      return stats;
    } catch (error) {
      throw toInferenceException(error);
    }
  }

  private async call<T>(pattern: InferencePattern, payload: object, options: InferenceCallOptions): Promise<T> {
    try {
      return await lastValueFrom(this.client.send<T>(pattern, payload, { lane: options.lane ?? this.defaultLane, timeoutMs: options.timeoutMs }));
    } catch (error) {
      throw toInferenceException(error);
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export const toInferenceException = (error: unknown): InferenceException => {
  if (error instanceof InferenceException) return error;
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
      case InferenceErrorCode.ModelLoadFailed:
        return new InferenceException(InferenceFailure.ModelLoadFailed, error.message);
      default:
        return new InferenceException(InferenceFailure.Failed, error.message);
    }
  }
  const message = typeof error === 'object' && error !== null && 'message' in error ? String((error as { message: unknown }).message) : String(error);
  return new InferenceException(InferenceFailure.Failed, `inference failed: ${message}`);
};
