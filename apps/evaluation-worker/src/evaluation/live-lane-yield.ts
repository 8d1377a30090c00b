import { Inject, Injectable, Logger } from '@nestjs/common';
import { InferenceLane } from '@sentiment-ops/contracts';
import { InferenceClient } from '@sentiment-ops/inference-client';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker.config';
import { WorkerTelemetry } from '../metrics/worker-telemetry';

/** How often the live lane (and the run's cancellation) is looked at while a job holds back. */
export const LIVE_YIELD_POLL_MS = 250;

export type YieldOutcome = 'go' | 'cancelled';

export interface YieldDeps {
  /** Live-lane requests not answered yet (waiting + being computed); throws when Redis cannot be read. */
  liveBacklog(): Promise<number>;
  isCancelled(): Promise<boolean>;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** Wait while the live backlog is above this (BULK_YIELD_LIVE_DEPTH). */
  maxLiveDepth: number;
  /** Longest wait before one bulk request (BULK_YIELD_MAX_WAIT_MS); 0 never waits. */
  maxWaitMs: number;
  /** Called after each pause with the milliseconds waited, for the throttle metric. */
  onWaited(ms: number): void;
  log(event: { state: 'yielding'; liveBacklog: number } | { state: 'resumed' | 'cap_reached'; waitedMs: number; liveBacklog: number }): void;
}

/**
 * Holds a bulk request back while live traffic is queued, so evaluations never take the replicas'
 * capacity from users: returns 'go' once the live backlog is at most `maxLiveDepth` or after
 * `maxWaitMs` (a job must still progress under steady live load), 'cancelled' as soon as the run is
 * cancelled. Redis unreadable: 'go' at once; the bulk request then reports the outage itself.
 */
export const yieldToLiveLane = async (deps: YieldDeps): Promise<YieldOutcome> => {
  if (deps.maxWaitMs === 0) return 'go';
  const started = deps.now();
  let yielding = false;
  for (;;) {
    let backlog: number;
    try {
      backlog = await deps.liveBacklog();
    } catch {
      return 'go';
    }
    const waitedMs = deps.now() - started;
    if (backlog <= deps.maxLiveDepth) {
      if (yielding) deps.log({ state: 'resumed', waitedMs, liveBacklog: backlog });
      return 'go';
    }
    if (waitedMs >= deps.maxWaitMs) {
      deps.log({ state: 'cap_reached', waitedMs, liveBacklog: backlog });
      return 'go';
    }
    if (!yielding) deps.log({ state: 'yielding', liveBacklog: backlog });
    yielding = true;
    const before = deps.now();
    await deps.sleep(Math.min(LIVE_YIELD_POLL_MS, deps.maxWaitMs - waitedMs));
    deps.onWaited(deps.now() - before);
    if (await deps.isCancelled()) return 'cancelled';
  }
};

/** The worker's side of "bulk never takes live capacity": checked before every bulk request. */
@Injectable()
export class LiveLaneYield {
  private readonly logger = new Logger(LiveLaneYield.name);

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly inference: InferenceClient,
    private readonly telemetry: WorkerTelemetry,
  ) {}

  beforeBulkRequest(runId: string, isCancelled: () => Promise<boolean>): Promise<YieldOutcome> {
    const { maxLiveDepth, maxWaitMs } = this.config.evaluation.bulkYield;
    return yieldToLiveLane({
      liveBacklog: async () => {
        const { waiting, pending } = await this.inference.laneStats(InferenceLane.Live);
        return waiting + pending;
      },
      isCancelled,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      now: () => performance.now(),
      maxLiveDepth,
      maxWaitMs,
      onWaited: (ms) => this.telemetry.bulkYield.throttledSecondsTotal.inc(ms / 1000),
      log: (event) => {
        if (event.state === 'yielding') {
          this.logger.log(`run ${runId}: holding bulk requests back, ${event.liveBacklog} live requests queued (BULK_YIELD_LIVE_DEPTH ${maxLiveDepth})`);
        } else if (event.state === 'resumed') {
          this.logger.log(`run ${runId}: live lane drained, bulk requests resume after ${(event.waitedMs / 1000).toFixed(1)} s`);
        } else {
          this.logger.warn(`run ${runId}: sending a bulk request after BULK_YIELD_MAX_WAIT_MS (${maxWaitMs} ms) with ${event.liveBacklog} live requests still queued`);
        }
      },
    });
  }
}
