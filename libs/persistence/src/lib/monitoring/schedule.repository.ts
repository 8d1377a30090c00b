import type { Pool } from 'pg';

/** A built-in schedule's stored state: what the worker was configured with and what operators changed. */
export interface ScheduleRecord {
  id: string;
  configuredPattern: string;
  configuredTimezone: string;
  /** Operator overrides; null = follow the worker's configuration. */
  patternOverride: string | null;
  timezoneOverride: string | null;
  enabled: boolean;
  updatedAt: string;
  updatedBy: string | null;
}

/** The pattern and time zone a schedule runs on: the override if set, else the configured one. */
export const effectiveSchedule = (record: ScheduleRecord): { pattern: string; timezone: string } => ({
  pattern: record.patternOverride ?? record.configuredPattern,
  timezone: record.timezoneOverride ?? record.configuredTimezone,
});

export interface ScheduleUpdate {
  enabled?: boolean;
  /** A value overrides, null resets to the configuration, undefined leaves it. */
  pattern?: string | null;
  timezone?: string | null;
}

interface ScheduleRow {
  id: string;
  config_pattern: string;
  config_timezone: string;
  pattern_override: string | null;
  timezone_override: string | null;
  enabled: boolean;
  updated_at: Date;
  updated_by: string | null;
}

const toRecord = (row: ScheduleRow): ScheduleRecord => ({
  id: row.id,
  configuredPattern: row.config_pattern,
  configuredTimezone: row.config_timezone,
  patternOverride: row.pattern_override,
  timezoneOverride: row.timezone_override,
  enabled: row.enabled,
  updatedAt: row.updated_at.toISOString(),
  updatedBy: row.updated_by,
});

/** Stored schedules (migration 6); BullMQ holds the live job schedulers derived from them. */
export class ScheduleRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Records the configured pattern at worker start. Idempotent: an existing row keeps its
   * overrides and paused state (an operator's pause survives restarts); only the configured values change.
   */
  async seed(id: string, pattern: string, timezone: string): Promise<ScheduleRecord> {
    const { rows } = await this.pool.query<ScheduleRow>(
      `INSERT INTO schedules (id, config_pattern, config_timezone) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET config_pattern = EXCLUDED.config_pattern, config_timezone = EXCLUDED.config_timezone
       RETURNING *`,
      [id, pattern, timezone],
    );
    return toRecord(rows[0]);
  }

  async get(id: string): Promise<ScheduleRecord | null> {
    const { rows } = await this.pool.query<ScheduleRow>('SELECT * FROM schedules WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(): Promise<ScheduleRecord[]> {
    const { rows } = await this.pool.query<ScheduleRow>('SELECT * FROM schedules ORDER BY id');
    return rows.map(toRecord);
  }

  /** Applies an operator's change; null when no worker has registered the schedule yet. */
  async update(id: string, update: ScheduleUpdate, updatedBy: string | null): Promise<ScheduleRecord | null> {
    const { rows } = await this.pool.query<ScheduleRow>(
      `UPDATE schedules SET
         enabled = COALESCE($2, enabled),
         pattern_override = CASE WHEN $3 THEN $4 ELSE pattern_override END,
         timezone_override = CASE WHEN $5 THEN $6 ELSE timezone_override END,
         updated_at = now(), updated_by = $7
       WHERE id = $1 RETURNING *`,
      [id, update.enabled ?? null, update.pattern !== undefined, update.pattern ?? null, update.timezone !== undefined, update.timezone ?? null, updatedBy],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }
}
