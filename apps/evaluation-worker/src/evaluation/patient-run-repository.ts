import { Logger } from '@nestjs/common';
import type { EvaluationParameters, EvaluationRun } from '@sentiment-ops/contracts';
import { EvaluationRunRepository, isPostgresUnavailable, type CompleteEvaluationRun } from '@sentiment-ops/persistence';
import type { Pool } from 'pg';

export interface OutageRetryPolicy {
  /** How long one call keeps retrying while Postgres is unreachable. */
  windowMs: number;
  /** First pause between tries; doubles up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  sleep(ms: number): Promise<void>;
  now(): number;
}

/**
 * One minute covers a Postgres restart or failover. Past it the call fails, the job attempt with
 * it, and BullMQ's own retries (EVALUATION_JOB_OPTIONS) take over with a fresh window each.
 */
export const POSTGRES_OUTAGE_POLICY: OutageRetryPolicy = {
  windowMs: 60_000,
  initialDelayMs: 250,
  maxDelayMs: 4_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};

/** Runs `call`, and again with capped exponential backoff while Postgres is unreachable, up to the policy's window. */
export const retryWhilePostgresUnavailable = async <T>(call: () => Promise<T>, policy: OutageRetryPolicy, onRetry?: (error: Error, delayMs: number) => void): Promise<T> => {
  const giveUpAt = policy.now() + policy.windowMs;
  let delay = policy.initialDelayMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!isPostgresUnavailable(error) || policy.now() + delay > giveUpAt) throw error;
      onRetry?.(error as Error, delay);
      await policy.sleep(delay);
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
};

/**
 * The worker's run repository: each call rides out a Postgres outage, so a running evaluation
 * pauses while Postgres is away instead of failing its attempt and recomputing from the start
 * (and burning BullMQ attempts, after which even the failure could not be recorded). Safe because
 * every call the worker makes is idempotent: one that may have run before the connection broke
 * can run again.
 */
export class PatientEvaluationRunRepository extends EvaluationRunRepository {
  private readonly logger = new Logger(PatientEvaluationRunRepository.name);
  private waiting = false;

  constructor(
    pool: Pool,
    private readonly policy: OutageRetryPolicy = POSTGRES_OUTAGE_POLICY,
  ) {
    super(pool);
  }

  override create(id: string, params: EvaluationParameters): Promise<EvaluationRun> {
    return this.patiently(() => super.create(id, params));
  }

  override get(id: string): Promise<EvaluationRun | null> {
    return this.patiently(() => super.get(id));
  }

  override markRunning(id: string, attempt: number): Promise<boolean> {
    return this.patiently(() => super.markRunning(id, attempt));
  }

  override updateProgress(id: string, progress: number): Promise<boolean> {
    return this.patiently(() => super.updateProgress(id, progress));
  }

  override complete(id: string, result: CompleteEvaluationRun): Promise<boolean> {
    return this.patiently(() => super.complete(id, result));
  }

  override fail(id: string, error: string): Promise<boolean> {
    return this.patiently(() => super.fail(id, error));
  }

  private async patiently<T>(call: () => Promise<T>): Promise<T> {
    const result = await retryWhilePostgresUnavailable(call, this.policy, (error) => {
      if (this.waiting) return;
      this.waiting = true; // one warning per outage, not one per retry
      this.logger.warn(`Postgres unreachable (${error.message}): evaluation writes wait for it, up to ${this.policy.windowMs / 1000} s per call`);
    });
    if (this.waiting) {
      this.waiting = false;
      this.logger.log('Postgres reachable again: evaluation writes resumed');
    }
    return result;
  }
}
