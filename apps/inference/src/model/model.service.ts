import { existsSync } from 'node:fs';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  configureTransformersEnv,
  ModelPool,
  ModelRuntimeError,
  readModelType,
  TransformerModelRuntime,
  type ModelRuntime,
  type ResolvedModelSpec,
} from '@sentiment-ops/model-runtime';
import { LITE_MODEL_TYPE, LiteModelError, LiteModelRuntime } from '@sentiment-ops/lite-model';
import { INFERENCE_CONFIG, type InferenceConfig } from '../config/inference.config';
import { InferenceTelemetry } from '../metrics/inference-metrics';

/** Owns the models of this replica: loads the default one at start, others on demand. */
@Injectable()
export class ModelService implements OnApplicationShutdown {
  private readonly logger = new Logger(ModelService.name);
  private readonly pool: ModelPool;
  private loadedAt?: Date;

  constructor(
    @Inject(INFERENCE_CONFIG) private readonly config: InferenceConfig,
    private readonly telemetry: InferenceTelemetry,
  ) {
    const { model } = config;
    configureTransformersEnv({ cacheDir: model.cacheDir, offline: model.offline, hubEndpoint: model.hubEndpoint });
    this.pool = new ModelPool({
      registry: model.registry,
      defaultModel: model.id,
      defaultDtype: model.dtype,
      maxExtraModels: model.maxLoadedModels,
      allowedFolders: model.allowedFolders,
      load: (spec) => this.load(spec),
    });
  }

  /** Loads the default model; the replica takes no RPC work before this resolves. */
  async loadDefault(): Promise<ModelRuntime> {
    const runtime = await this.pool.loadDefault();
    this.loadedAt ??= new Date();
    return runtime;
  }

  get defaultModel(): ModelRuntime | undefined {
    return this.pool.default;
  }

  get defaultModelLoadedAt(): Date | undefined {
    return this.loadedAt;
  }

  get(name?: string): Promise<ModelRuntime> {
    return this.pool.get(name);
  }

  /** What `name` would load, without loading it; MODEL_NOT_FOUND for names nothing can serve. */
  resolve(name: string): ResolvedModelSpec {
    const spec = this.pool.resolve(name);
    if (spec.kind === 'local' && !existsSync(spec.location)) {
      throw new ModelRuntimeError('MODEL_NOT_FOUND', `unknown model "${name}": folder ${spec.location} does not exist`);
    }
    return spec;
  }

  private async load(spec: ResolvedModelSpec): Promise<ModelRuntime> {
    const started = performance.now();
    this.logger.log(`loading model ${spec.name} (${spec.kind} ${spec.location}, revision ${spec.revision}, dtype ${spec.dtype})`);
    const runtime = spec.kind === 'local' && readModelType(spec.location) === LITE_MODEL_TYPE ? await this.loadLite(spec) : await this.loadTransformer(spec);
    const seconds = (performance.now() - started) / 1000;
    const { descriptor } = runtime;
    this.telemetry.inference.modelLoadSeconds.set({ model: descriptor.name }, seconds);
    this.telemetry.inference.modelInfo.set(
      { model: descriptor.name, source: descriptor.source, version: descriptor.version, dtype: descriptor.dtype, replica: this.config.replicaId },
      1,
    );
    this.logger.log(`model ${descriptor.name} ready in ${seconds.toFixed(2)} s (version ${descriptor.version}, max length ${descriptor.maxLength})`);
    return runtime;
  }

  private loadTransformer(spec: ResolvedModelSpec): Promise<ModelRuntime> {
    return TransformerModelRuntime.load(spec, {
      cacheDir: this.config.model.cacheDir,
      intraOpNumThreads: this.config.onnx.intraOpThreads,
      interOpNumThreads: this.config.onnx.interOpThreads,
      graphOptimizationLevel: this.config.onnx.graphOptimizationLevel,
      enableCpuMemArena: this.config.onnx.cpuMemArena,
      allowSpinning: this.config.onnx.allowSpinning,
      maxSubBatchSize: this.config.batching.subBatchSize,
      maxSubBatchTokens: this.config.batching.subBatchTokens,
      maxLengthOverride: this.config.model.maxLengthOverride,
    });
  }

  /** The project's own sentiment-lite models: featurizer in TypeScript, one ONNX session. */
  private async loadLite(spec: ResolvedModelSpec): Promise<ModelRuntime> {
    try {
      return await LiteModelRuntime.load(spec.location, { name: spec.name, intraOpNumThreads: this.config.onnx.intraOpThreads });
    } catch (error) {
      if (error instanceof LiteModelError) throw new ModelRuntimeError(error.code, error.message, { cause: error }); // same code set
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.dispose();
  }
}
