/** 429: a rate limit or a quota is spent. `retryAfterSeconds` becomes the Retry-After header. */
export class TooManyRequestsException extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number | null,
  ) {
    super(message);
    this.name = 'TooManyRequestsException';
  }
}
