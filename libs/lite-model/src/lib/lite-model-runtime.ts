import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { ModelDescriptor, Prediction, SentimentLabel, SentimentProbabilities } from '@sentiment-ops/contracts';
import { Featurizer, type SparseVector } from './featurizer';
import { argmax } from './lite-classifier';
import { LiteModelError } from './lite-model.errors';
import { readLiteModelFolder } from './model-folder';
import { LITE_ONNX_IO } from './onnx-export';

/** Same shape as model-runtime's PredictStats (this lib does not depend on model-runtime). */
export interface LitePredictStats {
  items: number;
  subBatches: number[];
  /** Non-zero features fed to the model (the lite model's "tokens"). */
  tokens: number;
  computeMs: number;
}

export interface LiteModelLoadOptions {
  /** The name clients use; defaults to the folder's name. */
  name?: string;
  intraOpNumThreads?: number;
  /** Rows per ONNX run. */
  maxSubBatchSize?: number;
}

const DEFAULT_SUB_BATCH = 256;

/**
 * The sentiment-lite model served through onnxruntime-node: featurizes in TypeScript, runs
 * onnx/model.onnx in sub-batches. Structurally a model-runtime `ModelRuntime`.
 */
export class LiteModelRuntime {
  private constructor(
    readonly descriptor: ModelDescriptor,
    private readonly featurizer: Featurizer,
    private readonly labels: readonly SentimentLabel[],
    private readonly session: InferenceSession,
    private readonly subBatchSize: number,
  ) {}

  /** Validates the folder, then opens one InferenceSession for the life of the runtime. */
  static async load(folder: string, options: LiteModelLoadOptions = {}): Promise<LiteModelRuntime> {
    const model = readLiteModelFolder(folder);
    const featurizer = new Featurizer(model.config.featurizer);
    const bytes = readFileSync(model.onnxPath);
    let session: InferenceSession;
    try {
      session = await InferenceSession.create(bytes, {
        intraOpNumThreads: options.intraOpNumThreads ?? 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      });
    } catch (error) {
      throw new LiteModelError('LOAD_FAILED', `could not load ${model.onnxPath}: ${(error as Error).message}`, { cause: error });
    }
    const missing: string[] = [
      ...[LITE_ONNX_IO.indices, LITE_ONNX_IO.values].filter((name) => !session.inputNames.includes(name)),
      ...[LITE_ONNX_IO.probabilities].filter((name) => !session.outputNames.includes(name)),
    ];
    if (missing.length > 0) {
      await session.release();
      throw new LiteModelError('INVALID_MODEL', `${model.onnxPath} lacks ${missing.join(', ')} (inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')})`);
    }
    const descriptor: ModelDescriptor = {
      name: options.name ?? basename(model.folder),
      source: model.folder,
      revision: 'local',
      dtype: 'fp32',
      version: createHash('sha256').update(bytes).digest('hex').slice(0, 12),
      maxLength: featurizer.settings.maxFeatures,
    };
    return new LiteModelRuntime(descriptor, featurizer, model.labels, session, Math.max(1, options.maxSubBatchSize ?? DEFAULT_SUB_BATCH));
  }

  /** Predictions in input order. */
  async predict(texts: readonly string[], onStats?: (stats: LitePredictStats) => void): Promise<Prediction[]> {
    if (texts.length === 0) return [];
    const started = performance.now();
    const predictions: Prediction[] = [];
    const subBatches: number[] = [];
    let tokens = 0;
    for (let offset = 0; offset < texts.length; offset += this.subBatchSize) {
      const vectors = texts.slice(offset, offset + this.subBatchSize).map((text) => this.featurizer.featurize(text));
      const probabilities = await this.run(vectors);
      const classes = this.labels.length;
      vectors.forEach((vector, row) => {
        predictions.push(this.prediction(probabilities.subarray(row * classes, (row + 1) * classes), vector.indices.length));
        tokens += vector.indices.length;
      });
      subBatches.push(vectors.length);
    }
    onStats?.({ items: texts.length, subBatches, tokens, computeMs: performance.now() - started });
    return predictions;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }

  /** Pads the sub-batch to its widest row (index 0 / value 0 add nothing) and runs it. */
  private async run(vectors: readonly SparseVector[]): Promise<Float32Array> {
    const width = Math.max(1, ...vectors.map((v) => v.indices.length));
    const indices = new BigInt64Array(vectors.length * width);
    const values = new Float32Array(vectors.length * width);
    vectors.forEach((vector, row) => {
      for (let j = 0; j < vector.indices.length; j++) indices[row * width + j] = BigInt(vector.indices[j]);
      values.set(vector.values, row * width);
    });
    try {
      const output = await this.session.run({
        [LITE_ONNX_IO.indices]: new Tensor('int64', indices, [vectors.length, width]),
        [LITE_ONNX_IO.values]: new Tensor('float32', values, [vectors.length, width]),
      });
      return output[LITE_ONNX_IO.probabilities].data as Float32Array;
    } catch (error) {
      throw new LiteModelError('INFERENCE_FAILED', `model "${this.descriptor.name}" failed: ${(error as Error).message}`, { cause: error });
    }
  }

  private prediction(probabilities: Float32Array, tokens: number): Prediction {
    const byLabel = Object.fromEntries(this.labels.map((label, i) => [label, probabilities[i]])) as SentimentProbabilities;
    const best = argmax(probabilities);
    return { label: this.labels[best], confidence: probabilities[best], probabilities: byLabel, tokens };
  }
}
