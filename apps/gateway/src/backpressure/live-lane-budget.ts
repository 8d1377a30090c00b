import { Logger } from '@nestjs/common';
import { InferenceLane } from '@sentiment-ops/contracts';
import { createBackpressureMetrics, type BackpressureMetrics, type LiveLaneSample } from '@sentiment-ops/metrics';
import type { Registry } from 'prom-client';
import { withTimeout } from '../health/with-timeout';
import { estimatedWaitMs, judgeAdmission, PerItemTimeEstimator, type LiveLaneLimits, type LiveLaneView } from './live-lane-estimate';
import { LiveQueueFullException } from './live-queue-full.exception';

/** How old the Redis view may be when a request is judged: one read per interval, whatever the traffic. */
export const LIVE_LANE_REFRESH_MS = 200;
// A slow Redis must not hold requests back; the prediction reports a real outage itself.
const READ_TIMEOUT_MS = 500;
const WARN_INTERVAL_MS = 30_000;

/** The live lane's entries as Redis counts them (the InferenceClient in the app). */
export interface LiveLaneStatsReader {
  laneStats(lane: InferenceLane): Promise<{ waiting: number; pending: number }>;
}

export interface LiveLaneBudgetOptions {
  limits: LiveLaneLimits;
  registry: Registry;
  now?: () => number;
}

/**
 * Admission control of the live lane: a prediction is refused at once (503 + Retry-After) when the
 * texts ahead of it, or the estimated wait for them, are over budget, instead of queueing into its
 * deadline. The backlog is this gateway's own unanswered texts (exact, counted as they are admitted,
 * so a burst cannot slip through between two reads) plus the other entries Redis holds in the lane
 * (other gateways, health pings, expired leftovers), one text each since Redis does not know their
 * size. Redis is read at most every LIVE_LANE_REFRESH_MS, one read shared by all requests.
 */
export class LiveLaneBudget {
  private readonly logger = new Logger(LiveLaneBudget.name);
  private readonly estimator = new PerItemTimeEstimator();
  private readonly metrics: BackpressureMetrics;
  private readonly limits: LiveLaneLimits;
  private readonly now: () => number;
  private ownItems = 0;
  private ownCalls = 0;
  private otherEntries = 0;
  private readAt = -Infinity;
  private reading: Promise<void> | undefined;
  private warnedAt = -Infinity;

  constructor(
    private readonly reader: LiveLaneStatsReader,
    options: LiveLaneBudgetOptions,
  ) {
    this.limits = options.limits;
    this.now = options.now ?? (() => performance.now());
    this.metrics = createBackpressureMetrics(options.registry, () => this.sample());
  }

  /** Runs `call` (a live prediction of `items` texts) if the lane has room; throws LiveQueueFullException otherwise. */
  async run<T>(items: number, call: () => Promise<T>): Promise<T> {
    if (this.limits.maxDepth === 0 && this.limits.maxWaitMs === 0) return call();
    await this.refresh();
    // From here to the increment nothing awaits: concurrent requests are judged one after another.
    const view = this.currentView();
    const verdict = judgeAdmission(view, items, this.limits);
    if (!verdict.admit) {
      this.metrics.rejectionsTotal.inc({ limit: verdict.limit });
      throw new LiveQueueFullException(verdict.limit, verdict.message, verdict.retryAfterSeconds);
    }
    const started = this.now();
    this.ownItems += items;
    this.ownCalls += 1;
    try {
      const result = await call();
      this.estimator.observe(this.now(), view.backlogItems, items, this.now() - started);
      return result;
    } finally {
      this.ownItems -= items;
      this.ownCalls -= 1;
    }
  }

  /** The backlog and time per text a request arriving now is judged by. */
  async view(): Promise<LiveLaneView> {
    await this.refresh();
    return this.currentView();
  }

  private currentView(): LiveLaneView {
    return { backlogItems: this.ownItems + this.otherEntries, perItemMs: this.estimator.perItemMs(this.now()) };
  }

  private async sample(): Promise<LiveLaneSample> {
    const view = await this.view();
    const waitMs = estimatedWaitMs(view);
    return { backlogItems: view.backlogItems, estimatedWaitSeconds: waitMs === null ? null : waitMs / 1000 };
  }

  private refresh(): Promise<void> {
    if (this.now() - this.readAt < LIVE_LANE_REFRESH_MS) return Promise.resolve();
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<void> {
    const ownCalls = this.ownCalls;
    try {
      const { waiting, pending } = await withTimeout(this.reader.laneStats(InferenceLane.Live), READ_TIMEOUT_MS, 'live lane stats');
      // Each own call is one entry; what remains belongs to others.
      this.otherEntries = Math.max(0, waiting + pending - ownCalls);
    } catch (error) {
      // Redis away: judge by what this gateway knows; the prediction itself then fails fast with 503.
      this.otherEntries = 0;
      this.warn(error as Error);
    } finally {
      this.readAt = this.now();
    }
  }

  private warn(error: Error): void {
    const now = this.now();
    if (now - this.warnedAt < WARN_INTERVAL_MS) return;
    this.warnedAt = now;
    this.logger.warn(`live lane backlog unknown (Redis not readable), admitting on this gateway's own count: ${error.message}`);
  }
}
