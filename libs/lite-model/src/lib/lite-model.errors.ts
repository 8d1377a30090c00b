/** Same codes as the transformer runtime's errors, so the apps' edge filters map both alike. */
export type LiteModelErrorCode = 'MODEL_NOT_FOUND' | 'INVALID_MODEL' | 'LOAD_FAILED' | 'INFERENCE_FAILED';

export class LiteModelError extends Error {
  constructor(
    readonly code: LiteModelErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LiteModelError';
  }
}
