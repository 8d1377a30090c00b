import { join } from 'node:path';
import {
  AutoConfig,
  AutoModelForSequenceClassification,
  AutoTokenizer,
  Tensor,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import type { ModelDescriptor, Prediction, SentimentLabel } from '@sentiment-ops/contracts';
import { normaliseId2Label } from './labels';
import { validateModelFolder } from './model-folder';
import { ONNX_FILE_BY_DTYPE, type ResolvedModelSpec } from './model-registry';
import type { ModelRuntime, PartialPredictionsListener, PredictStats } from './model-runtime';
import { ModelRuntimeError } from './model-runtime.errors';
import { findCachedFile, hashFile } from './model-version';
import { preprocessTweet } from './preprocess';
import { planSubBatches, restoreEndTokens, softmaxPrediction } from './batching';
import { RUNTIME_DEFAULTS } from './runtime-defaults';

/** ONNX Runtime graph optimisation levels (onnxruntime-node session option). */
export const GRAPH_OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export type GraphOptimizationLevel = (typeof GRAPH_OPTIMIZATION_LEVELS)[number];

export interface TransformerRuntimeOptions {
  cacheDir: string;
  intraOpNumThreads: number;
  /** Threads across independent graph nodes; 1 (sequential) unless measured otherwise. */
  interOpNumThreads?: number;
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** ORT's CPU arena keeps freed buffers for reuse; off trades a little speed for flat memory. */
  enableCpuMemArena?: boolean;
  /**
   * Idle intra-op threads spin for work instead of sleeping. Spinning wins only when the model has
   * the cores to itself; beside a gateway, Redis or other replicas it steals their CPU and stalls
   * when descheduled (see docs/benchmarks.md).
   */
  allowSpinning?: boolean;
  /** Rows per padded ONNX run. */
  maxSubBatchSize: number;
  /** Rows × padded length per ONNX run, so long texts run in smaller groups. */
  maxSubBatchTokens: number;
  /** Lower the model's own maximum length (tokens), e.g. for benchmarks. */
  maxLengthOverride?: number;
  onProgress?: (info: { status: string; file?: string; loaded?: number; total?: number; progress?: number }) => void;
}

interface RobertaLikeConfig {
  model_type?: string | null;
  max_position_embeddings?: number;
  pad_token_id?: number;
  id2label?: Record<string, string>;
}

/** A transformer sequence classifier run by transformers.js on onnxruntime-node. */
export class TransformerModelRuntime implements ModelRuntime {
  private constructor(
    readonly descriptor: ModelDescriptor,
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly model: PreTrainedModel,
    private readonly labels: SentimentLabel[],
    private readonly options: TransformerRuntimeOptions,
  ) {}

  static async load(spec: ResolvedModelSpec, options: TransformerRuntimeOptions): Promise<TransformerModelRuntime> {
    if (spec.kind === 'local') validateModelFolder(spec.location, spec.dtype);
    const hubOptions = { revision: spec.revision, progress_callback: options.onProgress };
    try {
      const config = (await AutoConfig.from_pretrained(spec.location, hubOptions)) as unknown as RobertaLikeConfig;
      const labels = normaliseId2Label(config.id2label, spec.labels);
      const tokenizer = await AutoTokenizer.from_pretrained(spec.location, hubOptions);
      const model = await AutoModelForSequenceClassification.from_pretrained(spec.location, {
        ...hubOptions,
        dtype: spec.dtype,
        device: 'cpu',
        session_options: {
          intraOpNumThreads: options.intraOpNumThreads,
          interOpNumThreads: options.interOpNumThreads ?? 1,
          executionMode: (options.interOpNumThreads ?? 1) > 1 ? 'parallel' : 'sequential',
          graphOptimizationLevel: options.graphOptimizationLevel ?? RUNTIME_DEFAULTS.graphOptimizationLevel,
          enableCpuMemArena: options.enableCpuMemArena ?? RUNTIME_DEFAULTS.cpuMemArena,
          // Flattened by onnxruntime-node into the config entry "session.intra_op.allow_spinning".
          extra: { session: { intra_op: { allow_spinning: (options.allowSpinning ?? RUNTIME_DEFAULTS.allowSpinning) ? '1' : '0' } } },
          logSeverityLevel: 3,
        },
      });
      const onnxFile =
        spec.kind === 'local'
          ? join(spec.location, ONNX_FILE_BY_DTYPE[spec.dtype])
          : findCachedFile(join(options.cacheDir, spec.location), ONNX_FILE_BY_DTYPE[spec.dtype]);
      const version = onnxFile ? await hashFile(onnxFile) : spec.revision;
      const descriptor: ModelDescriptor = {
        name: spec.name,
        source: spec.location,
        revision: spec.revision,
        dtype: spec.dtype,
        version,
        maxLength: maxInputLength(config, tokenizer, options.maxLengthOverride),
      };
      return new TransformerModelRuntime(descriptor, tokenizer, model, labels, options);
    } catch (error) {
      if (error instanceof ModelRuntimeError) throw error;
      throw new ModelRuntimeError('LOAD_FAILED', `could not load model "${spec.name}" from ${spec.location}: ${(error as Error).message}`, { cause: error });
    }
  }

  async predict(
    texts: readonly string[],
    onStats?: (stats: PredictStats) => void,
    onPartial?: PartialPredictionsListener,
  ): Promise<Prediction[]> {
    if (texts.length === 0) return [];
    const started = performance.now();
    const encoded = this.tokenizer(texts.map(preprocessTweet), {
      padding: false,
      truncation: true,
      max_length: this.descriptor.maxLength,
      return_tensor: false,
    }) as unknown as { input_ids: number[][] };
    const ids = restoreEndTokens(encoded.input_ids, this.descriptor.maxLength, this.tokenizer.sep_token_id ?? this.tokenizer.eos_token_id);
    const tokenizeMs = performance.now() - started;
    const plan = planSubBatches(
      ids.map((row) => row.length),
      this.options,
    );
    const predictions: Prediction[] = new Array(texts.length);
    for (const indices of plan) {
      const logits = await this.runPadded(indices.map((index) => ids[index]));
      indices.forEach((index, row) => {
        predictions[index] = softmaxPrediction(logits.subarray(row * this.labels.length, (row + 1) * this.labels.length), this.labels, ids[index].length);
      });
      onPartial?.(
        indices,
        indices.map((index) => predictions[index]),
      );
    }
    onStats?.({
      items: texts.length,
      subBatches: plan.map((indices) => indices.length),
      tokens: ids.reduce((sum, row) => sum + row.length, 0),
      computeMs: performance.now() - started,
      tokenizeMs,
    });
    return predictions;
  }

  /** Pads one sub-batch to its longest row (right padding, as the model was trained). */
  private async runPadded(rows: number[][]): Promise<Float32Array> {
    const width = Math.max(...rows.map((row) => row.length));
    const inputIds = new BigInt64Array(rows.length * width).fill(BigInt(this.tokenizer.pad_token_id ?? 1));
    const attentionMask = new BigInt64Array(rows.length * width);
    rows.forEach((row, r) => {
      row.forEach((id, c) => {
        inputIds[r * width + c] = BigInt(id);
        attentionMask[r * width + c] = 1n;
      });
    });
    try {
      const output = (await this.model({
        input_ids: new Tensor('int64', inputIds, [rows.length, width]),
        attention_mask: new Tensor('int64', attentionMask, [rows.length, width]),
      })) as { logits: Tensor };
      return output.logits.data as Float32Array;
    } catch (error) {
      throw new ModelRuntimeError('INFERENCE_FAILED', `model "${this.descriptor.name}" failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}

/**
 * Longest input the model accepts, in tokens. RoBERTa reserves padding_idx + 1 positions, so
 * 514 position embeddings allow 512 tokens.
 */
const maxInputLength = (config: RobertaLikeConfig, tokenizer: PreTrainedTokenizer, override?: number): number => {
  const limits: number[] = [];
  const tokenizerMax = Number(tokenizer.model_max_length);
  if (Number.isFinite(tokenizerMax) && tokenizerMax > 0 && tokenizerMax < 1e6) limits.push(tokenizerMax);
  if (config.max_position_embeddings) {
    const reserved = config.model_type?.includes('roberta') ? (config.pad_token_id ?? 1) + 1 : 0;
    limits.push(config.max_position_embeddings - reserved);
  }
  if (override) limits.push(override);
  if (limits.length === 0) return 512;
  return Math.min(...limits);
};
