import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  TrainedBpe,
  mergesTxt,
  specialTokensMapJson,
  tokenizerConfigJson,
  tokenizerJson,
  trainByteLevelBpe,
  vocabJson,
} from './bpe-tokenizer';
import { TINY_CORPUS } from './corpus';
import {
  DEFAULT_ID2LABEL,
  DEFAULT_SEED,
  FIXTURE_BUILDER,
  FIXTURE_FORMAT_VERSION,
  FIXTURE_PRESETS,
  FixtureArchitecture,
  FixtureSize,
  LAYER_NORM_EPS,
  PAD_TOKEN_ID,
  robertaConfigJson,
  validateId2Label,
} from './fixture-config';
import { writeModelFile } from './onnx-proto';
import { RobertaDims, buildRobertaModel } from './roberta-graph';

export type FixtureDtype = 'fp32' | 'q8';

/** File names inside `onnx/` for each dtype, as transformers.js expects them. */
export const ONNX_FILES: Readonly<Record<FixtureDtype, string>> = {
  fp32: 'onnx/model.onnx',
  q8: 'onnx/model_quantized.onnx',
};

export interface FixtureModelOptions {
  size: FixtureSize;
  /** Output folder (created if needed; existing files are overwritten). */
  outDir: string;
  /** PRNG seed; same seed ⇒ byte-identical files. Default 42. */
  seed?: number;
  /** Folder with tokenizer.json + tokenizer_config.json to copy. Required for `base`. */
  tokenizerDir?: string;
  /** Label names; default negative/neutral/positive. */
  id2label?: Readonly<Record<string, string>>;
  /** Width of the logits; default the number of labels (set it to build a deliberately mismatched model). */
  numLabels?: number;
  /** Which ONNX files to write; default both. */
  dtypes?: readonly FixtureDtype[];
  /** Overrides of the size preset (e.g. a weights-heavy tiny variant). */
  architecture?: Partial<FixtureArchitecture>;
  /** Progress lines (the CLI prints them). */
  onProgress?: (message: string) => void;
}

export interface FixtureFileInfo {
  /** Path relative to the model folder, e.g. "onnx/model.onnx". */
  path: string;
  bytes: number;
}

export interface FixtureModelInfo {
  /** Absolute model folder. */
  dir: string;
  size: FixtureSize;
  seed: number;
  parameterCount: number;
  vocabSize: number;
  numLabels: number;
  /** The config.json content. */
  config: Record<string, unknown>;
  files: FixtureFileInfo[];
  durationMs: number;
}

interface TokenizerFiles {
  vocabSize: number;
  modelMaxLength: number;
  write(dir: string): string[];
}

const writeJson = (path: string, value: unknown) => writeFileSync(path, JSON.stringify(value, null, 2) + '\n');

// Training takes ~0.2 s and is deterministic, so test processes building many fixtures reuse it.
const trainedBpeCache = new Map<number, TrainedBpe>();

function tinyBpe(vocabSize: number): TrainedBpe {
  let bpe = trainedBpeCache.get(vocabSize);
  if (!bpe) {
    bpe = trainByteLevelBpe({ corpus: TINY_CORPUS, vocabSize });
    trainedBpeCache.set(vocabSize, bpe);
  }
  return bpe;
}

function trainedTokenizer(arch: FixtureArchitecture): TokenizerFiles {
  const bpe = tinyBpe(arch.tokenizerVocabSize);
  return {
    vocabSize: Object.keys(bpe.vocab).length,
    modelMaxLength: arch.modelMaxLength,
    write(dir) {
      writeJson(join(dir, 'tokenizer.json'), tokenizerJson(bpe));
      writeJson(join(dir, 'tokenizer_config.json'), tokenizerConfigJson(arch.modelMaxLength));
      writeJson(join(dir, 'special_tokens_map.json'), specialTokensMapJson());
      writeFileSync(join(dir, 'vocab.json'), JSON.stringify(vocabJson(bpe)));
      writeFileSync(join(dir, 'merges.txt'), mergesTxt(bpe));
      return ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.json', 'merges.txt'];
    },
  };
}

const OPTIONAL_TOKENIZER_FILES = ['special_tokens_map.json', 'vocab.json', 'merges.txt'];

/** Copies a hub tokenizer folder; vocab size = highest token id + 1 (model vocab and added tokens). */
function copiedTokenizer(sourceDir: string, arch: FixtureArchitecture): TokenizerFiles {
  const read = (name: string) => {
    const path = join(sourceDir, name);
    if (!existsSync(path)) throw new Error(`tokenizer folder ${sourceDir} has no ${name}`);
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  };
  const tokenizer = read('tokenizer.json') as { model?: { vocab?: Record<string, number> }; added_tokens?: { id: number }[] };
  const tokenizerConfig = read('tokenizer_config.json');
  const ids = [...Object.values(tokenizer.model?.vocab ?? {}), ...(tokenizer.added_tokens ?? []).map((t) => t.id)];
  if (ids.length === 0) throw new Error(`${sourceDir}/tokenizer.json has no model.vocab`);
  // Never let the tokenizer emit more positions than the embedding table holds.
  const limit = arch.maxPositionEmbeddings - PAD_TOKEN_ID - 1;
  const original = Number(tokenizerConfig['model_max_length'] ?? limit);
  const modelMaxLength = Math.min(Number.isFinite(original) ? original : limit, limit);
  return {
    vocabSize: ids.reduce((a, b) => Math.max(a, b), 0) + 1,
    modelMaxLength,
    write(dir) {
      copyFileSync(join(sourceDir, 'tokenizer.json'), join(dir, 'tokenizer.json'));
      if (modelMaxLength === original) copyFileSync(join(sourceDir, 'tokenizer_config.json'), join(dir, 'tokenizer_config.json'));
      else writeJson(join(dir, 'tokenizer_config.json'), { ...tokenizerConfig, model_max_length: modelMaxLength });
      const copied = OPTIONAL_TOKENIZER_FILES.filter((name) => existsSync(join(sourceDir, name)));
      for (const name of copied) copyFileSync(join(sourceDir, name), join(dir, name));
      return ['tokenizer.json', 'tokenizer_config.json', ...copied];
    },
  };
}

function resolveArchitecture(options: FixtureModelOptions): FixtureArchitecture {
  const arch = { ...FIXTURE_PRESETS[options.size], ...options.architecture };
  if (arch.hiddenSize % arch.numAttentionHeads !== 0) {
    throw new Error(`hiddenSize ${arch.hiddenSize} must be a multiple of numAttentionHeads ${arch.numAttentionHeads}`);
  }
  if (arch.modelMaxLength > arch.maxPositionEmbeddings - PAD_TOKEN_ID - 1) {
    throw new Error(`modelMaxLength ${arch.modelMaxLength} needs maxPositionEmbeddings ≥ ${arch.modelMaxLength + PAD_TOKEN_ID + 1}`);
  }
  return arch;
}

/**
 * Writes a RobertaForSequenceClassification model with seeded random weights in the hub layout:
 * config.json, tokenizer files, onnx/model.onnx (fp32) and onnx/model_quantized.onnx (q8).
 */
export async function buildFixtureModel(options: FixtureModelOptions): Promise<FixtureModelInfo> {
  const started = Date.now();
  const progress = options.onProgress ?? (() => undefined);
  if (!FIXTURE_PRESETS[options.size]) throw new Error(`unknown fixture size ${JSON.stringify(options.size)} (tiny|base)`);
  if (options.size === 'base' && !options.tokenizerDir) {
    throw new Error('size "base" needs a tokenizer folder (e.g. /work/shared/data/tokenizers/roberta-base)');
  }
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed must be an integer in [0, 2^32), got ${seed}`);
  const id2label = options.id2label ?? DEFAULT_ID2LABEL;
  const labelCount = validateId2Label(id2label);
  const numLabels = options.numLabels ?? labelCount;
  if (!Number.isInteger(numLabels) || numLabels < 1) throw new Error(`numLabels must be a positive integer, got ${numLabels}`);
  const arch = resolveArchitecture(options);
  const dir = resolve(options.outDir);
  mkdirSync(join(dir, 'onnx'), { recursive: true });

  const tokenizer = options.tokenizerDir ? copiedTokenizer(resolve(options.tokenizerDir), arch) : trainedTokenizer(arch);
  const written = tokenizer.write(dir);
  progress(`tokenizer: vocab ${tokenizer.vocabSize}, model_max_length ${tokenizer.modelMaxLength}`);

  const dims: RobertaDims = {
    vocabSize: tokenizer.vocabSize,
    hiddenSize: arch.hiddenSize,
    numHiddenLayers: arch.numHiddenLayers,
    numAttentionHeads: arch.numAttentionHeads,
    intermediateSize: arch.intermediateSize,
    maxPositionEmbeddings: arch.maxPositionEmbeddings,
    numLabels,
    padTokenId: PAD_TOKEN_ID,
    layerNormEps: LAYER_NORM_EPS,
  };
  const config = robertaConfigJson(dims, arch, id2label, {
    size: options.size,
    seed,
    builder: FIXTURE_BUILDER,
    version: FIXTURE_FORMAT_VERSION,
  });
  writeJson(join(dir, 'config.json'), config);
  written.unshift('config.json');

  let parameterCount = 0;
  const init = { seed, initializerRange: arch.initializerRange, classifierStd: arch.classifierStd };
  const dtypes = options.dtypes ?? (['fp32', 'q8'] as const);
  // An ONNX file left from an earlier build into the same folder would not match the new weights.
  for (const [dtype, file] of Object.entries(ONNX_FILES)) if (!dtypes.includes(dtype as FixtureDtype)) rmSync(join(dir, file), { force: true });
  for (const dtype of dtypes) {
    const t0 = Date.now();
    const built = buildRobertaModel({ dims, init, quantized: dtype === 'q8', producerVersion: String(FIXTURE_FORMAT_VERSION) });
    const bytes = writeModelFile(join(dir, ONNX_FILES[dtype]), built.model);
    parameterCount = built.parameterCount;
    written.push(ONNX_FILES[dtype]);
    progress(`${ONNX_FILES[dtype]}: ${bytes} bytes in ${Date.now() - t0} ms`);
    // Give the event loop a turn between the (synchronous) multi-second writes of a base build.
    await new Promise((r) => setImmediate(r));
  }

  return {
    dir,
    size: options.size,
    seed,
    parameterCount,
    vocabSize: tokenizer.vocabSize,
    numLabels,
    config,
    files: written.map((path) => ({ path, bytes: statSync(join(dir, path)).size })),
    durationMs: Date.now() - started,
  };
}
