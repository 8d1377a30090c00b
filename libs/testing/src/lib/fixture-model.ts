import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  DEFAULT_SEED,
  FIXTURE_FORMAT_VERSION,
  FixtureDtype,
  FixtureModelInfo,
  ONNX_FILES,
  buildFixtureModel,
} from '@sentiment-ops/model-fixtures';

const STAMP_FILE = '.fixture-stamp';

/** The workspace root: the closest folder above this file that holds nx.json. */
export function findRepoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no nx.json above ${from}`);
  }
}

/**
 * Identifies the generator that wrote a cached fixture: the format version plus a hash of the
 * model-fixtures sources, so editing the builder invalidates tmp/models without a manual bump.
 */
function generatorStamp(root: string): string {
  const hash = createHash('sha256').update(`format ${FIXTURE_FORMAT_VERSION}\n`);
  const libDir = join(root, 'libs/model-fixtures/src/lib');
  if (existsSync(libDir)) {
    for (const file of readdirSync(libDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts')).sort()) {
      hash.update(file).update(readFileSync(join(libDir, file)));
    }
  }
  return hash.digest('hex');
}

function isComplete(dir: string, stamp: string): boolean {
  const stampPath = join(dir, STAMP_FILE);
  return existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp && Object.values(ONNX_FILES).every((f) => existsSync(join(dir, f)));
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export interface EnsureTinyModelOptions {
  /** Weight seed (default: the library default). */
  seed?: number;
  /** Where cached fixtures live; default `<repo>/tmp/models`. */
  cacheDir?: string;
}

// Builds in flight in this process, so concurrent callers share one build.
const inFlight = new Map<string, Promise<string>>();

/**
 * Absolute path of the tiny fixture model `<repo>/tmp/models/tiny-fixture-<seed>`, building it
 * on first use. Safe across parallel Jest workers: each builds into its own staging folder and
 * renames it into place atomically; a worker that loses the race uses the winner's copy.
 */
export function ensureTinyModel(options: EnsureTinyModelOptions = {}): Promise<string> {
  const seed = options.seed ?? DEFAULT_SEED;
  const cacheDir = options.cacheDir ?? join(findRepoRoot(), 'tmp/models');
  const target = join(cacheDir, `tiny-fixture-${seed}`);
  let pending = inFlight.get(target);
  if (!pending) {
    pending = buildIfMissing(target, cacheDir, seed);
    inFlight.set(target, pending);
    const settle = () => inFlight.delete(target);
    pending.then(settle, settle);
  }
  return pending;
}

async function buildIfMissing(target: string, cacheDir: string, seed: number): Promise<string> {
  const stamp = generatorStamp(findRepoRoot());
  if (isComplete(target, stamp)) return target;
  mkdirSync(cacheDir, { recursive: true });

  if (existsSync(target)) {
    // Stale (older builder) or broken: move it aside atomically; another worker may beat us to it.
    const trash = `${target}.stale-${process.pid}-${randomUUID()}`;
    try {
      renameSync(target, trash);
      rmSync(trash, { recursive: true, force: true });
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }

  const staging = mkdtempSync(join(cacheDir, `.tiny-fixture-${seed}.staging-`));
  try {
    await buildFixtureModel({ size: 'tiny', outDir: staging, seed });
    writeFileSync(join(staging, STAMP_FILE), stamp);
    try {
      renameSync(staging, target);
    } catch (error) {
      // Lost the race: target now exists (non-empty). Use it if it is a complete current build.
      if (!['ENOTEMPTY', 'EEXIST'].includes(errorCode(error) ?? '') || !isComplete(target, stamp)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return target;
}

export interface TinyModelOverrides {
  seed?: number;
  /** e.g. `{"0":"LABEL_0","1":"LABEL_1","2":"LABEL_2"}` or `{"0":"Negative",...}`. */
  id2label?: Record<string, string>;
  /** Logits width, if it should disagree with id2label. */
  numLabels?: number;
  /** Only these ONNX variants (default both). */
  dtypes?: FixtureDtype[];
  /** Shallow patch of config.json; a key set to `undefined` is removed. */
  config?: Record<string, unknown>;
  /** Files (relative to the model folder) to delete afterwards, e.g. `['tokenizer_config.json']`. */
  omitFiles?: string[];
}

/** Builds a tiny fixture variant into `dir` (for tests of broken or relabelled models). */
export async function buildTinyModelInto(dir: string, overrides: TinyModelOverrides = {}): Promise<FixtureModelInfo> {
  const info = await buildFixtureModel({
    size: 'tiny',
    outDir: dir,
    seed: overrides.seed,
    id2label: overrides.id2label,
    numLabels: overrides.numLabels,
    dtypes: overrides.dtypes,
  });
  let config = info.config;
  if (overrides.config) {
    config = { ...config, ...overrides.config };
    for (const [key, value] of Object.entries(overrides.config)) if (value === undefined) delete config[key];
    writeFileSync(join(info.dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  }
  const omitted = new Set(overrides.omitFiles ?? []);
  for (const file of omitted) rmSync(join(info.dir, file), { force: true });
  return { ...info, config, files: info.files.filter((f) => !omitted.has(f.path)) };
}
