import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FIXTURE_SIZES, FixtureSize } from './fixture-config';
import type { FixtureDtype, FixtureModelInfo, FixtureModelOptions } from './fixture-model';

export const FIXTURE_CLI_USAGE = `usage: npm run models:fixture -- --size tiny|base --out DIR [--tokenizer DIR] [--seed N]
                              [--labels negative,neutral,positive] [--dtype fp32|q8]

  --size       tiny: 2 layers, hidden 32, own ~1000-token BPE tokenizer (for tests)
               base: roberta-base size (12 layers, hidden 768); needs --tokenizer
  --out        output folder (hub layout: config.json, tokenizer files, onnx/model.onnx, onnx/model_quantized.onnx)
  --tokenizer  folder with tokenizer.json + tokenizer_config.json to copy (e.g. /work/shared/data/tokenizers/roberta-base)
  --seed       weight seed, integer in [0, 2^32) (default 42); same seed ⇒ identical files
  --labels     comma-separated id2label names in id order (default negative,neutral,positive)
  --dtype      write only this ONNX variant (default: both)`;

/** Bad command line; the CLI prints the message and the usage and exits with code 2. */
export class FixtureUsageError extends Error {
  override readonly name = 'FixtureUsageError';
}

export type FixtureCliCommand = { help: true } | { help: false; options: Omit<FixtureModelOptions, 'onProgress'> };

function fail(message: string): never {
  throw new FixtureUsageError(message);
}

/** Parses `--size … --out …` arguments (without node/script) into buildFixtureModel options. */
export function parseFixtureCliArgs(argv: readonly string[]): FixtureCliCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        size: { type: 'string' },
        out: { type: 'string' },
        tokenizer: { type: 'string' },
        seed: { type: 'string' },
        labels: { type: 'string' },
        dtype: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values['help']) return { help: true };

  const size = values['size'] as string | undefined;
  if (!size) fail('--size is required');
  if (!FIXTURE_SIZES.includes(size as FixtureSize)) fail(`--size must be one of ${FIXTURE_SIZES.join('|')}, got "${size}"`);
  const outDir = values['out'] as string | undefined;
  if (!outDir) fail('--out is required');

  const tokenizerDir = values['tokenizer'] as string | undefined;
  if (size === 'base' && !tokenizerDir) fail('--size base needs --tokenizer DIR (e.g. /work/shared/data/tokenizers/roberta-base)');
  if (tokenizerDir) {
    if (!existsSync(tokenizerDir) || !statSync(tokenizerDir).isDirectory()) fail(`--tokenizer ${tokenizerDir} is not a folder`);
    for (const file of ['tokenizer.json', 'tokenizer_config.json']) {
      if (!existsSync(join(tokenizerDir, file))) fail(`--tokenizer ${tokenizerDir} has no ${file}`);
    }
  }

  let seed: number | undefined;
  const rawSeed = values['seed'] as string | undefined;
  if (rawSeed !== undefined) {
    seed = Number(rawSeed);
    if (!/^\d+$/.test(rawSeed) || !Number.isSafeInteger(seed) || seed > 0xffffffff) {
      fail(`--seed must be an integer in [0, 4294967295], got "${rawSeed}"`);
    }
  }

  let id2label: Record<string, string> | undefined;
  const rawLabels = values['labels'] as string | undefined;
  if (rawLabels !== undefined) {
    const labels = rawLabels.split(',').map((l) => l.trim());
    if (labels.some((l) => l === '') || new Set(labels).size !== labels.length) {
      fail(`--labels must be distinct non-empty names, got "${rawLabels}"`);
    }
    id2label = Object.fromEntries(labels.map((label, i) => [String(i), label]));
  }

  let dtypes: FixtureDtype[] | undefined;
  const rawDtype = values['dtype'] as string | undefined;
  if (rawDtype !== undefined) {
    if (rawDtype !== 'fp32' && rawDtype !== 'q8') fail(`--dtype must be fp32 or q8, got "${rawDtype}"`);
    dtypes = [rawDtype];
  }

  return { help: false, options: { size: size as FixtureSize, outDir, tokenizerDir, seed, id2label, dtypes } };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** Human-readable summary of a build, printed by the CLI. */
export function formatFixtureReport(info: FixtureModelInfo): string {
  const width = Math.max(...info.files.map((f) => f.path.length));
  return [
    `wrote ${info.size} fixture (seed ${info.seed}) to ${info.dir}`,
    ...info.files.map((f) => `  ${f.path.padEnd(width)}  ${formatBytes(f.bytes).padStart(10)}  (${f.bytes} bytes)`),
    `parameters: ${info.parameterCount.toLocaleString('en-US')}  vocab: ${info.vocabSize}  labels: ${info.numLabels}`,
    `done in ${(info.durationMs / 1000).toFixed(1)} s`,
  ].join('\n');
}
