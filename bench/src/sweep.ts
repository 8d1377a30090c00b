import { spawn } from 'node:child_process';
import { RUNTIME_DEFAULTS } from '@sentiment-ops/model-runtime';
import { measureCeiling, servedSettings, type RuntimeSettings } from './ceiling';

export interface SweepRow {
  name: string;
  value: string;
  itemsPerSec: number;
}

export interface SweepOptions {
  modelDir: string;
  dtype: 'q8' | 'fp32';
  texts: readonly string[];
  threads: number;
  secondsPerPoint: number;
  /** Items per predict call, as a full MAX_BATCH read would give. */
  itemsPerCall?: number;
  onRow?: (row: SweepRow) => void;
}

/**
 * Varies one runtime setting at a time around the defaults and measures in-process items/s on
 * calls of `itemsPerCall` texts: the figures behind each default in the inference config.
 */
export const runSweep = async (options: SweepOptions): Promise<SweepRow[]> => {
  const base: RuntimeSettings = servedSettings(options.dtype, options.threads);
  const variants: { name: string; value: string; settings: RuntimeSettings; busyNeighbour?: boolean }[] = [
    ...[1, 2, 4, 8, 16, 32].map((subBatchSize) => ({ name: 'SUB_BATCH_SIZE', value: String(subBatchSize), settings: { ...base, subBatchSize, subBatchTokens: Number.MAX_SAFE_INTEGER } })),
    ...[256, 512, RUNTIME_DEFAULTS.subBatchTokens, 8192].map((subBatchTokens) => ({ name: 'SUB_BATCH_TOKENS', value: String(subBatchTokens), settings: { ...base, subBatchTokens } })),
    ...[1, options.threads].filter((v, i, all) => all.indexOf(v) === i).map((intraOpThreads) => ({ name: 'INTRA_OP_THREADS', value: String(intraOpThreads), settings: { ...base, intraOpThreads } })),
    { name: 'INTER_OP_THREADS', value: '2', settings: { ...base, interOpThreads: 2 } },
    ...(['basic', 'extended'] as const).map((level) => ({ name: 'GRAPH_OPTIMIZATION_LEVEL', value: level, settings: { ...base, graphOptimizationLevel: level } })),
    { name: 'ORT_CPU_MEM_ARENA', value: String(!base.enableCpuMemArena), settings: { ...base, enableCpuMemArena: !base.enableCpuMemArena } },
    { name: 'ORT_ALLOW_SPINNING', value: String(!base.allowSpinning), settings: { ...base, allowSpinning: !base.allowSpinning } },
    // A replica rarely has its cores to itself (gateway, Redis, other pods): the same choice beside one busy process.
    { name: 'ORT_ALLOW_SPINNING, 1 busy neighbour', value: String(base.allowSpinning), settings: base, busyNeighbour: true },
    { name: 'ORT_ALLOW_SPINNING, 1 busy neighbour', value: String(!base.allowSpinning), settings: { ...base, allowSpinning: !base.allowSpinning }, busyNeighbour: true },
    { name: 'MODEL_DTYPE', value: options.dtype === 'q8' ? 'fp32' : 'q8', settings: { ...base, dtype: options.dtype === 'q8' ? 'fp32' : 'q8' } },
  ];
  const rows: SweepRow[] = [];
  for (const variant of variants) {
    const neighbour = variant.busyNeighbour ? spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }) : undefined;
    const result = await measureCeiling({
      modelDir: options.modelDir,
      settings: variant.settings,
      texts: options.texts,
      batchSizes: [options.itemsPerCall ?? 32],
      secondsPerPoint: options.secondsPerPoint,
    }).finally(() => neighbour?.kill('SIGKILL'));
    const row = { name: variant.name, value: variant.value, itemsPerSec: result.best.itemsPerSec };
    rows.push(row);
    options.onRow?.(row);
  }
  return rows;
};
