/** Why a call to the inference service failed, as the gateway's edge maps it to HTTP. */
export const InferenceFailure = {
  /** Redis unreachable, or the client is closed: 503. */
  Unavailable: 'unavailable',
  /** No replica answered before the deadline: 504. */
  DeadlineExceeded: 'deadline_exceeded',
  /** The replica refused the request (bad payload): 422. */
  InvalidRequest: 'invalid_request',
  /** The requested model is unknown: 404. */
  ModelNotFound: 'model_not_found',
  /** The model exists but cannot be loaded (not a model folder, hub files not cached): 502, or 422 for a model the caller named. */
  ModelLoadFailed: 'model_load_failed',
  /** The replica failed (model load or compute, poison request): 502. */
  Failed: 'failed',
} as const;
export type InferenceFailure = (typeof InferenceFailure)[keyof typeof InferenceFailure];

export class InferenceException extends Error {
  constructor(
    readonly failure: InferenceFailure,
    message: string,
  ) {
    super(message);
    this.name = 'InferenceException';
  }
}
