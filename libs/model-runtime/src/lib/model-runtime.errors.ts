export type ModelRuntimeErrorCode = 'INVALID_MODEL' | 'MODEL_NOT_FOUND' | 'LOAD_FAILED' | 'INFERENCE_FAILED';

/** Typed error of the model runtime; apps map `code` to RPC / HTTP errors at their edge. */
export class ModelRuntimeError extends Error {
  constructor(
    readonly code: ModelRuntimeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ModelRuntimeError';
  }
}
