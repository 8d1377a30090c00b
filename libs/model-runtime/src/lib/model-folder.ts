import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelRuntimeError } from './model-runtime.errors';
import { ONNX_FILE_BY_DTYPE, type ModelDtype } from './model-registry';

const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/**
 * Checks a local model folder before transformers.js sees it: its own errors for a missing
 * tokenizer_config.json are cryptic, and a missing tokenizer only fails at the first call.
 */
export const validateModelFolder = (folder: string, dtype: ModelDtype): void => {
  if (!existsSync(folder)) throw new ModelRuntimeError('MODEL_NOT_FOUND', `model folder ${folder} does not exist`);
  const wanted = [...REQUIRED_FILES, ONNX_FILE_BY_DTYPE[dtype]];
  const missing = wanted.filter((file) => !existsSync(join(folder, file)));
  if (missing.length > 0) {
    throw new ModelRuntimeError(
      'INVALID_MODEL',
      `model folder ${folder} is missing ${missing.join(', ')} (dtype ${dtype} needs ${ONNX_FILE_BY_DTYPE[dtype]})`,
    );
  }
  for (const file of REQUIRED_FILES) {
    try {
      JSON.parse(readFileSync(join(folder, file), 'utf8'));
    } catch (error) {
      throw new ModelRuntimeError('INVALID_MODEL', `model folder ${folder}: ${file} is not valid JSON (${(error as Error).message})`);
    }
  }
};

/** config.json `model_type` of a local model folder (undefined when absent or unreadable). */
export const readModelType = (folder: string): string | undefined => {
  try {
    const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as { model_type?: unknown };
    return typeof config.model_type === 'string' ? config.model_type : undefined;
  } catch {
    return undefined;
  }
};
