import { resolve } from 'node:path';
import {
  configureTransformersEnv,
  resolveModelSpec,
  RUNTIME_DEFAULTS,
  TransformerModelRuntime,
  type GraphOptimizationLevel,
  type ModelDtype,
} from '@sentiment-ops/model-runtime';
import type { Prediction } from '@sentiment-ops/contracts';
import { TextCycle } from './corpus';
import { percentile } from './percentiles';
import { readProcessMemory } from './stack/process-stats';

export interface RuntimeSettings {
  dtype: ModelDtype;
  intraOpThreads: number;
  interOpThreads?: number;
  graphOptimizationLevel?: GraphOptimizationLevel;
  enableCpuMemArena?: boolean;
  allowSpinning?: boolean;
  /** Rows per padded ONNX run; default: the whole call in one run. */
  subBatchSize?: number;
  /** Rows × padded length per ONNX run; default: unbounded. */
  subBatchTokens?: number;
}

/** The runtime as the inference service runs it by default. */
export const servedSettings = (dtype: ModelDtype, intraOpThreads: number): RuntimeSettings => ({
  dtype,
  intraOpThreads,
  interOpThreads: RUNTIME_DEFAULTS.interOpThreads,
  graphOptimizationLevel: RUNTIME_DEFAULTS.graphOptimizationLevel,
  enableCpuMemArena: RUNTIME_DEFAULTS.cpuMemArena,
  allowSpinning: RUNTIME_DEFAULTS.allowSpinning,
  subBatchSize: RUNTIME_DEFAULTS.subBatchSize,
  subBatchTokens: RUNTIME_DEFAULTS.subBatchTokens,
});

export interface CeilingPoint {
  batchSize: number;
  calls: number;
  items: number;
  itemsPerSec: number;
  /** Time of one call of `batchSize` items (median). */
  callP50Ms: number;
  meanTokens: number;
  /** Share of the call spent preprocessing and tokenising. */
  tokenizeShare: number;
  /** Useful model FLOPs per second (real token counts, no padding), when a FLOP counter is given. */
  achievedGflops?: number;
}

export interface CeilingResult {
  settings: RuntimeSettings;
  loadSeconds: number;
  /** RSS growth of this process while loading the model. */
  loadRssBytes: number;
  points: CeilingPoint[];
  best: CeilingPoint;
  referencePredictions?: Prediction[];
}

export interface CeilingOptions {
  modelDir: string;
  settings: RuntimeSettings;
  texts: readonly string[];
  batchSizes: readonly number[];
  secondsPerPoint: number;
  flopsForSequence?: (tokens: number) => number;
  /** Texts to predict once more after timing, e.g. to compare dtypes. */
  referenceTexts?: readonly string[];
}

/**
 * The runtime alone, in this process (no HTTP, no Redis): items/s for each batch size (items per
 * predict call, cut into sorted sub-batches as the settings say), so the best point is the ceiling.
 */
export const measureCeiling = async (options: CeilingOptions): Promise<CeilingResult> => {
  configureTransformersEnv({ cacheDir: resolve('models/cache'), offline: true });
  const spec = resolveModelSpec(resolve(options.modelDir), {}, { defaultDtype: options.settings.dtype });
  const rssBefore = readProcessMemory(process.pid)?.rssBytes ?? 0;
  const loadStarted = performance.now();
  const maxBatch = Math.max(...options.batchSizes);
  const runtime = await TransformerModelRuntime.load(
    { ...spec, dtype: options.settings.dtype },
    {
      cacheDir: resolve('models/cache'),
      intraOpNumThreads: options.settings.intraOpThreads,
      interOpNumThreads: options.settings.interOpThreads,
      graphOptimizationLevel: options.settings.graphOptimizationLevel,
      enableCpuMemArena: options.settings.enableCpuMemArena,
      allowSpinning: options.settings.allowSpinning,
      maxSubBatchSize: options.settings.subBatchSize ?? maxBatch,
      maxSubBatchTokens: options.settings.subBatchTokens ?? Number.MAX_SAFE_INTEGER,
    },
  );
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const loadRssBytes = (readProcessMemory(process.pid)?.rssBytes ?? 0) - rssBefore;
  try {
    const cycle = new TextCycle(options.texts);
    await runtime.predict(cycle.take(Math.min(8, maxBatch))); // warm-up: first run allocates
    const points: CeilingPoint[] = [];
    for (const batchSize of options.batchSizes) {
      const callMs: number[] = [];
      let items = 0;
      let tokens = 0;
      let flops = 0;
      let tokenizeMs = 0;
      const started = performance.now();
      while (performance.now() - started < options.secondsPerPoint * 1000 || callMs.length < 3) {
        const texts = cycle.take(batchSize);
        const callStarted = performance.now();
        const predictions = await runtime.predict(texts, (stats) => (tokenizeMs += stats.tokenizeMs ?? 0));
        callMs.push(performance.now() - callStarted);
        items += predictions.length;
        for (const prediction of predictions) {
          tokens += prediction.tokens;
          if (options.flopsForSequence) flops += options.flopsForSequence(prediction.tokens);
        }
      }
      const seconds = callMs.reduce((a, b) => a + b, 0) / 1000;
      points.push({
        batchSize,
        calls: callMs.length,
        items,
        itemsPerSec: items / seconds,
        callP50Ms: percentile(callMs, 50),
        meanTokens: tokens / items,
        tokenizeShare: tokenizeMs / (seconds * 1000),
        achievedGflops: options.flopsForSequence ? flops / seconds / 1e9 : undefined,
      });
    }
    const best = points.reduce((a, b) => (b.itemsPerSec > a.itemsPerSec ? b : a));
    const referencePredictions = options.referenceTexts ? await runtime.predict(options.referenceTexts) : undefined;
    return { settings: options.settings, loadSeconds, loadRssBytes, points, best, referencePredictions };
  } finally {
    await runtime.dispose();
  }
};
