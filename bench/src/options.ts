import { cpus } from 'node:os';
import { parseArgs } from 'node:util';

export class BenchUsageError extends Error {}

export const BENCH_USAGE = `usage: npm run bench -- [--quick] [options]

  --quick            short phases (whole run < 5 min on 2 cores); default: full run
  --corpus FILE      JSONL with a "text" field (default ../shared/data/tweeteval_sentiment/test.jsonl)
  --tokenizer DIR    tokenizer for the base fixture (default ../shared/data/tokenizers/roberta-base)
  --model-dir DIR    model folder in the hub layout (default models/fixtures/base, built if missing)
  --dtype q8|fp32    dtype served by "ours" and the peer (default q8, the service default)
  --concurrency LIST load levels (default 1,8,32,128)
  --duration S       seconds per load phase (default 15; --quick 6)
  --threads N        ONNX Runtime intra-op threads (default: CPU count)
  --soak S           memory soak at concurrency 32 for S seconds (default 300; --quick 0)
  --sweep            also sweep runtime settings (threads, graph optimisation, sub-batch size, arena)
  --no-peer          skip the naive peer server
  --no-scale-out     skip 1 vs 2 replicas
  --out DIR          where <date>.json and <date>.md go (default bench/results)`;

export interface BenchOptions {
  quick: boolean;
  corpus: string;
  tokenizer: string;
  modelDir: string;
  dtype: 'q8' | 'fp32';
  concurrency: number[];
  durationSeconds: number;
  threads: number;
  soakSeconds: number;
  sweep: boolean;
  peer: boolean;
  scaleOut: boolean;
  outDir: string;
}

const positiveInt = (name: string, value: string, max: number): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw new BenchUsageError(`--${name} must be a whole number in 1..${max}`);
  return Number(value);
};

export const parseBenchArgs = (argv: readonly string[]): BenchOptions | 'help' => {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
        corpus: { type: 'string' },
        tokenizer: { type: 'string' },
        'model-dir': { type: 'string' },
        dtype: { type: 'string' },
        concurrency: { type: 'string' },
        duration: { type: 'string' },
        threads: { type: 'string' },
        soak: { type: 'string' },
        sweep: { type: 'boolean', default: false },
        'no-peer': { type: 'boolean', default: false },
        'no-scale-out': { type: 'boolean', default: false },
        out: { type: 'string' },
      },
    });
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const dtype = v.dtype ?? 'q8';
  if (dtype !== 'q8' && dtype !== 'fp32') throw new BenchUsageError('--dtype must be q8 or fp32');
  const concurrency = (v.concurrency ?? '1,8,32,128').split(',').map((part) => positiveInt('concurrency', part.trim(), 4096));
  const quick = v.quick ?? false;
  return {
    quick,
    corpus: v.corpus ?? '../shared/data/tweeteval_sentiment/test.jsonl',
    tokenizer: v.tokenizer ?? '../shared/data/tokenizers/roberta-base',
    modelDir: v['model-dir'] ?? 'models/fixtures/base',
    dtype,
    concurrency,
    durationSeconds: v.duration ? positiveInt('duration', v.duration, 3600) : quick ? 6 : 15,
    threads: v.threads ? positiveInt('threads', v.threads, 256) : Math.max(1, cpus().length),
    soakSeconds: v.soak === '0' ? 0 : v.soak ? positiveInt('soak', v.soak, 24 * 3600) : quick ? 0 : 300,
    sweep: v.sweep ?? false,
    peer: !v['no-peer'],
    scaleOut: !v['no-scale-out'],
    outDir: v.out ?? 'bench/results',
  };
};
