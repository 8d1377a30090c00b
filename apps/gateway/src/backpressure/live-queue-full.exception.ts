import type { LiveLaneLimit } from './live-lane-estimate';

/** 503: the live lane is over a budget; `retryAfterSeconds` becomes the Retry-After header. */
export class LiveQueueFullException extends Error {
  constructor(
    readonly limit: LiveLaneLimit,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'LiveQueueFullException';
  }
}
