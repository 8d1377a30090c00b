import { isIanaTimeZone, MONITORING_JOB_OPTIONS, type ScheduleId } from '@sentiment-ops/contracts';
import { effectiveSchedule, type ScheduleRecord, type ScheduleRepository, type ScheduleUpdate } from '@sentiment-ops/persistence';
import type { Queue } from 'bullmq';
import { CronExpressionParser } from 'cron-parser';

/** A built-in schedule as the worker's configuration defines it. */
export interface ScheduleDefinition {
  id: ScheduleId;
  pattern: string;
  timezone: string;
}

export interface ScheduleState {
  record: ScheduleRecord;
  /** When BullMQ will next produce the job; null while paused or not registered. */
  nextRunAt: Date | null;
}

/** Why a pattern or time zone cannot be scheduled; the message names the offending value. */
export class InvalidScheduleException extends Error {
  constructor(
    readonly field: 'pattern' | 'timezone',
    message: string,
  ) {
    super(message);
    this.name = 'InvalidScheduleException';
  }
}

/** Throws InvalidScheduleException unless BullMQ's cron parser accepts the pattern in the time zone. */
export const assertSchedulable = (pattern: string, timezone: string): void => {
  if (!isIanaTimeZone(timezone)) throw new InvalidScheduleException('timezone', `unknown time zone "${timezone}"`);
  try {
    CronExpressionParser.parse(pattern, { tz: timezone }).next();
  } catch (error) {
    throw new InvalidScheduleException('pattern', `invalid cron pattern "${pattern}": ${(error as Error).message}`);
  }
};

/**
 * Keeps BullMQ's job schedulers in step with the stored schedules. Postgres holds what operators
 * decided (pause, overrides) so it survives Redis losing its data; BullMQ holds the live timers.
 * Every operation is idempotent: upserting an unchanged scheduler is a no-op for BullMQ, so any
 * number of workers and gateways may apply the same record.
 */
export class ScheduleManager {
  constructor(
    private readonly queue: Queue,
    private readonly repository: ScheduleRepository,
  ) {}

  /** At worker start: records the configured patterns and (re)applies every schedule. */
  async register(definitions: readonly ScheduleDefinition[]): Promise<ScheduleState[]> {
    const states: ScheduleState[] = [];
    for (const definition of definitions) {
      assertSchedulable(definition.pattern, definition.timezone);
      const record = await this.repository.seed(definition.id, definition.pattern, definition.timezone);
      states.push(await this.apply(record));
    }
    return states;
  }

  async list(): Promise<ScheduleState[]> {
    const records = await this.repository.list();
    return Promise.all(records.map(async (record) => ({ record, nextRunAt: await this.nextRunAt(record) })));
  }

  async get(id: string): Promise<ScheduleState | null> {
    const record = await this.repository.get(id);
    return record ? { record, nextRunAt: await this.nextRunAt(record) } : null;
  }

  /** Validates, stores and applies an operator's change; null when no worker registered the schedule yet. */
  async update(id: string, update: ScheduleUpdate, updatedBy: string | null): Promise<ScheduleState | null> {
    const current = await this.repository.get(id);
    if (!current) return null;
    const next = effectiveSchedule({
      ...current,
      patternOverride: update.pattern === undefined ? current.patternOverride : update.pattern,
      timezoneOverride: update.timezone === undefined ? current.timezoneOverride : update.timezone,
    });
    assertSchedulable(next.pattern, next.timezone);
    const record = await this.repository.update(id, update, updatedBy);
    return record ? this.apply(record) : null;
  }

  private async apply(record: ScheduleRecord): Promise<ScheduleState> {
    if (!record.enabled) {
      await this.queue.removeJobScheduler(record.id);
      return { record, nextRunAt: null };
    }
    const { pattern, timezone } = effectiveSchedule(record);
    await this.queue.upsertJobScheduler(record.id, { pattern, tz: timezone }, { name: record.id, data: { trigger: 'schedule' }, opts: MONITORING_JOB_OPTIONS });
    return { record, nextRunAt: await this.nextRunAt(record) };
  }

  private async nextRunAt(record: ScheduleRecord): Promise<Date | null> {
    if (!record.enabled) return null;
    const scheduler = await this.queue.getJobScheduler(record.id);
    return scheduler?.next ? new Date(scheduler.next) : null;
  }
}
