/** Limits of the live lane; 0 disables one. */
export interface LiveLaneLimits {
  /** Texts waiting or being computed, this request's included (LIVE_QUEUE_MAX_DEPTH). */
  maxDepth: number;
  /** Estimated wait before a replica starts on a new request (LIVE_QUEUE_MAX_WAIT_MS). */
  maxWaitMs: number;
}

/** What the gateway knows about the live lane when a request arrives. */
export interface LiveLaneView {
  /** Texts ahead of a new request: waiting for a replica or being computed. */
  backlogItems: number;
  /** Recent time per text at the replicas' current throughput; null until a prediction has been timed. */
  perItemMs: number | null;
}

export type LiveLaneLimit = 'depth' | 'wait';

export type AdmissionVerdict =
  | { admit: true }
  | { admit: false; limit: LiveLaneLimit; backlogItems: number; estimatedWaitMs: number | null; retryAfterSeconds: number; message: string };

/** Retry-After stays within [1, 60] s: a client should come back soon enough to notice the lane drained. */
export const RETRY_AFTER_MAX_SECONDS = 60;
// Older observations fade with this time constant, so the estimate follows replicas being added or lost.
const DECAY_TAU_MS = 5_000;
const MIN_PER_ITEM_MS = 0.001;

export const estimatedWaitMs = (view: LiveLaneView): number | null => (view.perItemMs === null ? null : view.backlogItems * view.perItemMs);

const retryAfter = (ms: number | null): number => (ms === null || !Number.isFinite(ms) ? 1 : Math.min(RETRY_AFTER_MAX_SECONDS, Math.max(1, Math.ceil(ms / 1000))));

/**
 * Refuses when admitting `items` more texts would pass a limit. Retry-After is the time the
 * replicas need to work off the excess at the recent per-text time (1 s while that is unknown).
 */
export const judgeAdmission = (view: LiveLaneView, items: number, limits: LiveLaneLimits): AdmissionVerdict => {
  const { backlogItems, perItemMs } = view;
  const waitMs = estimatedWaitMs(view);
  if (limits.maxDepth > 0 && backlogItems + items > limits.maxDepth) {
    const excess = backlogItems + items - limits.maxDepth;
    const retryAfterSeconds = retryAfter(perItemMs === null ? null : excess * perItemMs);
    const request = items > 1 ? ` + ${items} in this request` : '';
    return {
      admit: false,
      limit: 'depth',
      backlogItems,
      estimatedWaitMs: waitMs,
      retryAfterSeconds,
      message: `live queue is full: ${backlogItems} items waiting${request} (limit ${limits.maxDepth}, LIVE_QUEUE_MAX_DEPTH); retry in ${retryAfterSeconds} s`,
    };
  }
  if (limits.maxWaitMs > 0 && waitMs !== null && waitMs > limits.maxWaitMs) {
    const retryAfterSeconds = retryAfter(waitMs - limits.maxWaitMs);
    return {
      admit: false,
      limit: 'wait',
      backlogItems,
      estimatedWaitMs: waitMs,
      retryAfterSeconds,
      message: `live queue is too slow: estimated wait ${(waitMs / 1000).toFixed(1)} s for ${backlogItems} items waiting (limit ${limits.maxWaitMs / 1000} s, LIVE_QUEUE_MAX_WAIT_MS); retry in ${retryAfterSeconds} s`,
    };
  }
  return { admit: true };
};

/**
 * Time per text at the replicas' recent throughput, from the gateway's own answered calls (Little's
 * law): a call that found `ahead` texts in the lane and carried `items` took about (ahead + items) × t,
 * so each call gives t = duration / (ahead + items), weighing (ahead + items). The estimate is the
 * weighted geometric mean of recent t, decaying with time:
 * - calls made under load (large `ahead`) outweigh calls into an idle lane, whose latency overstates
 *   the time per text of a full batch;
 * - one stalled call (a model loading, a paused replica) cannot dominate it the way it would an
 *   arithmetic mean, which would refuse traffic long after the stall;
 * - calls that hit their deadline are left out: they say the replicas did not answer, not how fast
 *   they work (the depth limit covers replicas that stop answering).
 */
export class PerItemTimeEstimator {
  private weight = 0;
  private weightedLog = 0;
  private lastAt: number | null = null;

  observe(now: number, ahead: number, items: number, durationMs: number): void {
    if (!(items > 0) || !(durationMs >= 0) || !(ahead >= 0)) return;
    this.fade(now);
    const weight = ahead + items;
    // Sub-microsecond durations (clock granularity) would send the logarithm to minus infinity.
    this.weightedLog += weight * Math.log(Math.max(durationMs / weight, MIN_PER_ITEM_MS));
    this.weight += weight;
  }

  perItemMs(now: number): number | null {
    this.fade(now);
    return this.weight > 0 ? Math.exp(this.weightedLog / this.weight) : null;
  }

  private fade(now: number): void {
    if (this.lastAt !== null && now > this.lastAt && this.weight > 0) {
      // Fading keeps the mean and only lowers the weight of the past against new calls; after a
      // long idle spell the past still weighs one text, so the last estimate is kept, not lost.
      const keep = Math.max(Math.exp(-(now - this.lastAt) / DECAY_TAU_MS), Math.min(1, 1 / this.weight));
      this.weightedLog *= keep;
      this.weight *= keep;
    }
    this.lastAt = Math.max(now, this.lastAt ?? now);
  }
}
