import { Inject, Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import {
  InferenceErrorCode,
  predictRequestSchema,
  type InferenceRpcError,
  type ModelDescriptor,
  type PingResponse,
  type PredictResponse,
} from '@sentiment-ops/contracts';
import { DynamicBatcher, ModelRuntimeError, type ModelRuntime } from '@sentiment-ops/model-runtime';
import { INFERENCE_CONFIG, type InferenceConfig } from '../config/inference.config';
import { InferenceTelemetry } from '../metrics/inference-metrics';
import { ModelService } from '../model/model.service';

export interface RequestOrigin {
  lane: string;
  /** When the caller enqueued the request (epoch ms). */
  enqueuedAt: number;
}

const rpcError = (code: InferenceErrorCode, message: string): RpcException =>
  new RpcException({ code, message } satisfies InferenceRpcError);

const RUNTIME_TO_RPC_CODE: Record<ModelRuntimeError['code'], InferenceErrorCode> = {
  MODEL_NOT_FOUND: InferenceErrorCode.ModelNotFound,
  INVALID_MODEL: InferenceErrorCode.ModelLoadFailed,
  LOAD_FAILED: InferenceErrorCode.ModelLoadFailed,
  INFERENCE_FAILED: InferenceErrorCode.InferenceFailed,
};

@Injectable()
export class PredictService {
  private readonly batchers = new WeakMap<ModelRuntime, DynamicBatcher>();
  private readonly startedAt = Date.now();

  constructor(
    @Inject(INFERENCE_CONFIG) private readonly config: InferenceConfig,
    private readonly models: ModelService,
    private readonly telemetry: InferenceTelemetry,
  ) {}

  async predict(payload: unknown, origin: RequestOrigin): Promise<PredictResponse> {
    const parsed = predictRequestSchema.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw rpcError(InferenceErrorCode.InvalidRequest, `${issue.path.join('.') || 'payload'}: ${issue.message}`);
    }
    const { texts, model } = parsed.data;
    const { inference } = this.telemetry;
    try {
      const runtime = await this.models.get(model);
      inference.queueSeconds.observe({ lane: origin.lane }, Math.max(0, Date.now() - origin.enqueuedAt) / 1000);
      const predictions = await this.batcherFor(runtime).submit(texts);
      inference.itemsTotal.inc({ model: runtime.descriptor.name, lane: origin.lane }, texts.length);
      inference.requestsTotal.inc({ lane: origin.lane, outcome: 'ok' });
      return { model: runtime.descriptor, predictions, replicaId: this.config.replicaId };
    } catch (error) {
      inference.requestsTotal.inc({ lane: origin.lane, outcome: 'error' });
      if (error instanceof ModelRuntimeError) throw rpcError(RUNTIME_TO_RPC_CODE[error.code], error.message);
      throw rpcError(InferenceErrorCode.InferenceFailed, (error as Error).message);
    }
  }

  resolveModel(payload: unknown): Pick<ModelDescriptor, 'name' | 'source' | 'revision' | 'dtype'> {
    const model = (payload as { model?: unknown } | null)?.model;
    if (typeof model !== 'string' || model.length === 0) throw rpcError(InferenceErrorCode.InvalidRequest, 'model: must be a non-empty string');
    try {
      const spec = this.models.resolve(model);
      return { name: spec.name, source: spec.location, revision: spec.revision, dtype: spec.dtype };
    } catch (error) {
      if (error instanceof ModelRuntimeError) throw rpcError(RUNTIME_TO_RPC_CODE[error.code], error.message);
      throw error;
    }
  }

  async ping(): Promise<PingResponse> {
    const runtime = await this.models.loadDefault();
    return {
      replicaId: this.config.replicaId,
      model: runtime.descriptor,
      modelLoadedAt: (this.models.defaultModelLoadedAt ?? new Date()).toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
    };
  }

  private batcherFor(runtime: ModelRuntime): DynamicBatcher {
    let batcher = this.batchers.get(runtime);
    if (!batcher) {
      const { inference } = this.telemetry;
      batcher = new DynamicBatcher(
        (texts, onPartial) =>
          runtime.predict(
            texts,
            (stats) => {
              inference.computeSeconds.observe({ model: runtime.descriptor.name }, stats.computeMs / 1000);
              for (const rows of stats.subBatches) inference.subBatchSize.observe(rows);
            },
            onPartial,
          ),
        this.config.batching.maxBatchItems,
        (batch) => inference.batchSize.observe(batch.items),
        this.config.batching.batchWaitMs,
      );
      this.batchers.set(runtime, batcher);
    }
    return batcher;
  }
}
