import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { SENTIMENT_LABELS } from '@sentiment-ops/contracts';
import { ModelRuntimeError } from './model-runtime.errors';

export const MODEL_DTYPES = ['q8', 'fp32'] as const;
export type ModelDtype = (typeof MODEL_DTYPES)[number];

/** ONNX file transformers.js loads for each dtype (hub layout, under `onnx/`). */
export const ONNX_FILE_BY_DTYPE: Record<ModelDtype, string> = {
  fp32: 'onnx/model.onnx',
  q8: 'onnx/model_quantized.onnx',
};

export const modelRegistryEntrySchema = z.object({
  /** Hub repo id (owner/name) or a folder in the hub layout. */
  source: z.string().min(1),
  revision: z.string().min(1).default('main'),
  dtype: z.enum(MODEL_DTYPES).optional(),
  /** Class order, when config.json's id2label cannot be mapped (e.g. LABEL_0..2). */
  labels: z.array(z.enum(SENTIMENT_LABELS)).length(3).optional(),
});
export type ModelRegistryEntry = z.infer<typeof modelRegistryEntrySchema>;

/** Registry as configured: name → entry. */
export const modelRegistrySchema = z.record(z.string().min(1), modelRegistryEntrySchema);
export type ModelRegistry = z.infer<typeof modelRegistrySchema>;

export const DEFAULT_MODEL_NAME = 'cardiffnlp/twitter-roberta-base-sentiment-latest';
export const LITE_MODEL_NAME = 'sentiment-lite';

/**
 * The production model (cardiffnlp's weights, served from their ONNX export) and the project's own
 * offline model, trained by `npm run train:lite` and committed under models/ (paths are relative to
 * the working directory: the repository root, or /app in the images).
 */
export const BUILT_IN_MODEL_REGISTRY: ModelRegistry = {
  [DEFAULT_MODEL_NAME]: { source: 'Xenova/twitter-roberta-base-sentiment-latest', revision: 'main' },
  [LITE_MODEL_NAME]: { source: './models/sentiment-lite', revision: 'local', dtype: 'fp32' },
};

export interface ResolvedModelSpec {
  name: string;
  kind: 'hub' | 'local';
  /** Hub repo id or absolute folder. */
  location: string;
  revision: string;
  dtype: ModelDtype;
  labels?: ModelRegistryEntry['labels'];
}

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

const isFolder = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();

/**
 * The configured dtype, unless the folder only has the other ONNX file (e.g. a fine-tuned head is
 * written as fp32 only): then the file that exists.
 */
const availableDtype = (folder: string, wanted: ModelDtype): ModelDtype => {
  if (existsSync(join(folder, ONNX_FILE_BY_DTYPE[wanted]))) return wanted;
  return MODEL_DTYPES.find((dtype) => existsSync(join(folder, ONNX_FILE_BY_DTYPE[dtype]))) ?? wanted;
};

const looksLikePath = (value: string): boolean => isAbsolute(value) || value.startsWith('./') || value.startsWith('../');

const resolveSource = (source: string, cwd: string): Pick<ResolvedModelSpec, 'kind' | 'location'> | undefined => {
  const asPath = resolve(cwd, source);
  if (looksLikePath(source) || isFolder(asPath)) return { kind: 'local', location: asPath };
  if (HUB_ID.test(source)) return { kind: 'hub', location: source };
  return undefined;
};

/**
 * Resolves what a client asked for (a registered name, a local folder or a hub id) to a
 * loadable model. Unknown names fail here, before anything is loaded.
 */
/** Whether `folder` (symlinks resolved) lies inside one of `roots`. */
export const isInsideFolders = (folder: string, roots: readonly string[]): boolean => {
  const real = (path: string): string => (existsSync(path) ? realpathSync(path) : resolve(path));
  const target = real(folder);
  return roots.some((root) => {
    const fromRoot = relative(real(root), target);
    return fromRoot === '' || (!fromRoot.startsWith('..') && !isAbsolute(fromRoot));
  });
};

export const resolveModelSpec = (
  requested: string,
  registry: ModelRegistry,
  options: {
    defaultDtype: ModelDtype;
    cwd?: string;
    /** Folders a caller may name directly (registry entries are trusted); absent: any folder. */
    allowedFolders?: readonly string[];
  },
): ResolvedModelSpec => {
  const cwd = options.cwd ?? process.cwd();
  const entry = registry[requested];
  if (entry) {
    const source = resolveSource(entry.source, cwd);
    if (!source) throw new ModelRuntimeError('MODEL_NOT_FOUND', `model "${requested}": source "${entry.source}" is neither a folder nor a hub id`);
    const dtype = entry.dtype ?? options.defaultDtype;
    return { name: requested, ...source, revision: entry.revision, dtype: source.kind === 'local' && !entry.dtype ? availableDtype(source.location, dtype) : dtype, labels: entry.labels };
  }
  const source = resolveSource(requested, cwd);
  if (!source) {
    throw new ModelRuntimeError(
      'MODEL_NOT_FOUND',
      `unknown model "${requested}": not a registered name (${Object.keys(registry).join(', ') || 'none'}), a folder or a hub id`,
    );
  }
  // A caller must not make a replica read arbitrary paths (or learn which exist): same answer for all.
  if (source.kind === 'local' && options.allowedFolders && !isInsideFolders(source.location, options.allowedFolders)) {
    throw new ModelRuntimeError('MODEL_NOT_FOUND', `unknown model "${requested}": not a registered name, a hub id or a folder under the model folders`);
  }
  return { name: requested, ...source, revision: 'main', dtype: source.kind === 'local' ? availableDtype(source.location, options.defaultDtype) : options.defaultDtype };
};
