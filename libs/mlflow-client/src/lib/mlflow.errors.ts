/** error_code values the client reacts to (MLflow's `ErrorCode` names). */
export const MlflowErrorCode = {
  ResourceDoesNotExist: 'RESOURCE_DOES_NOT_EXIST',
  ResourceAlreadyExists: 'RESOURCE_ALREADY_EXISTS',
  InvalidState: 'INVALID_STATE',
  // Ours, for failures without an MLflow answer.
  Timeout: 'TIMEOUT',
  NetworkError: 'NETWORK_ERROR',
  InvalidResponse: 'INVALID_RESPONSE',
  InvalidConfig: 'INVALID_CONFIG',
} as const;

/**
 * A failed MLflow call. `status` is the HTTP status (null when no response arrived), `errorCode`
 * MLflow's `error_code` (or one of ours for timeouts and network errors). Messages name the
 * endpoint, never the full URL or headers, so credentials cannot leak into logs.
 */
export class MlflowError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly errorCode: string | null,
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MlflowError';
  }

  /** Server errors and transport failures may succeed on retry; 4xx answers will not. */
  get retryable(): boolean {
    return this.status === null ? this.errorCode === MlflowErrorCode.Timeout || this.errorCode === MlflowErrorCode.NetworkError : this.status >= 500;
  }
}

export const isMlflowError = (error: unknown, errorCode?: string): error is MlflowError =>
  error instanceof MlflowError && (errorCode === undefined || error.errorCode === errorCode);
