import {
  SENTIMENT_LABELS,
  type ClassificationReport,
  type EvaluationParameters,
  type EvaluationRun,
  type EvaluationStatus,
} from '@sentiment-ops/contracts';
import type { Pool, PoolClient } from 'pg';
import { RUN_COLUMNS, toEvaluationRun, type ClassMetricsRow, type EvaluationRunRow } from './evaluation-run.rows';
import { PersistenceErrorCode, PersistenceException } from './persistence.errors';
import { withTransaction } from './pg-pool';

export interface CompleteEvaluationRun {
  report: ClassificationReport;
  resolvedModel: string;
  modelVersion: string | null;
  samplesEvaluated: number;
  durationMs: number;
}

export interface ListEvaluationRunsQuery {
  /** Matches the requested model name or the model that actually answered. */
  modelName?: string;
  dataset?: string;
  split?: string;
  status?: EvaluationStatus;
  /** 1..100, default 20. */
  limit?: number;
  offset?: number;
}

/** Per-owner limits checked by `createOwned`; 0 disables a limit. */
export interface EvaluationQuota {
  /** Queued plus running runs at once. */
  maxActive: number;
  /** Runs created since `dayStart`. */
  maxPerDay: number;
  dayStart: Date;
}

export interface EvaluationQuotaExceeded {
  quota: 'active' | 'daily';
  limit: number;
  used: number;
}

// First half of the two-int advisory lock key of quota checks (the second is the owner's hash).
const OWNER_LOCK_NAMESPACE = 46_173;

export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 100;
const MAX_ERROR_LENGTH = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalid = (message: string): PersistenceException => new PersistenceException(PersistenceErrorCode.InvalidArgument, message);
const assertUuid = (id: string): void => {
  if (!UUID.test(id)) throw invalid(`Evaluation run id must be a UUID, got ${JSON.stringify(id)}`);
};
const assertInteger = (name: string, value: number, min: number): void => {
  if (!Number.isSafeInteger(value) || value < min) throw invalid(`${name} must be an integer >= ${min}, got ${value}`);
};

const assertParameters = (id: string, params: EvaluationParameters): void => {
  assertUuid(id);
  if (params.samples !== null) assertInteger('samples', params.samples, 1);
  assertInteger('seed', params.seed, Number.MIN_SAFE_INTEGER);
};

const assertReport = (report: ClassificationReport): void => {
  const matrix = report.confusionMatrix;
  const isMatrix =
    Array.isArray(matrix) &&
    matrix.length === SENTIMENT_LABELS.length &&
    matrix.every((row) => row.length === SENTIMENT_LABELS.length && row.every((n) => Number.isSafeInteger(n) && n >= 0));
  if (!isMatrix) throw invalid('report.confusionMatrix must be 3x3 non-negative integers');
  for (const label of SENTIMENT_LABELS) {
    if (!report.perClass[label]) throw invalid(`report.perClass.${label} is missing`);
  }
};

/**
 * The system of record for evaluation runs. Status transitions are guarded in SQL (not read then
 * written), so concurrent workers, retries and a cancel racing a completion stay consistent.
 */
export class EvaluationRunRepository {
  constructor(private readonly pool: Pool) {}

  /** Records a queued run. Idempotent: the same id again returns the existing row unchanged. */
  async create(id: string, params: EvaluationParameters): Promise<EvaluationRun> {
    assertParameters(id, params);
    const inserted = await this.insert(this.pool, id, params, null);
    if (inserted) return inserted;
    const existing = await this.get(id);
    if (!existing) throw new Error(`Evaluation run ${id} conflicted on insert but cannot be read`);
    return existing;
  }

  /**
   * Records a queued run owned by an API key, unless it would exceed that key's quota. Counting and
   * inserting happen under a per-owner transaction lock, so concurrent requests on several gateway
   * replicas cannot overshoot. Every run created since `dayStart` counts towards the daily quota,
   * whatever its outcome (a cancelled run was still requested).
   */
  async createOwned(id: string, params: EvaluationParameters, owner: string, quota: EvaluationQuota): Promise<{ run: EvaluationRun } | { exceeded: EvaluationQuotaExceeded }> {
    assertParameters(id, params);
    if (owner.trim() === '') throw invalid('owner must be a non-empty key name');
    assertInteger('maxActive', quota.maxActive, 0);
    assertInteger('maxPerDay', quota.maxPerDay, 0);
    return withTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [OWNER_LOCK_NAMESPACE, owner]);
      const { rows } = await client.query<{ active: number; today: number }>(
        `SELECT count(*) FILTER (WHERE status IN ('queued', 'running'))::int AS active,
                count(*) FILTER (WHERE created_at >= $2)::int AS today
         FROM evaluation_runs
         WHERE owner_key = $1 AND (status IN ('queued', 'running') OR created_at >= $2)`,
        [owner, quota.dayStart],
      );
      const { active, today } = rows[0];
      // The daily quota first: when it is spent, waiting for a running evaluation does not help.
      if (quota.maxPerDay > 0 && today >= quota.maxPerDay) return { exceeded: { quota: 'daily', limit: quota.maxPerDay, used: today } };
      if (quota.maxActive > 0 && active >= quota.maxActive) return { exceeded: { quota: 'active', limit: quota.maxActive, used: active } };
      const run = await this.insert(client, id, params, owner);
      if (!run) throw invalid(`Evaluation run ${id} already exists`);
      return { run };
    });
  }

  /** A worker picked the run up (again). False if it was completed or cancelled meanwhile. */
  async markRunning(id: string, attempt: number): Promise<boolean> {
    assertUuid(id);
    assertInteger('attempt', attempt, 1);
    // started_at keeps the first attempt's time; progress restarts with each attempt.
    return this.changed(
      `UPDATE evaluation_runs
       SET status = 'running', attempts = $2, progress = 0, started_at = COALESCE(started_at, now()), finished_at = NULL
       WHERE id = $1 AND status IN ('queued', 'running', 'failed')`,
      [id, attempt],
    );
  }

  /** Progress 0..1 (clamped) of a running run. False if the run is not running. */
  async updateProgress(id: string, progress: number): Promise<boolean> {
    assertUuid(id);
    if (!Number.isFinite(progress)) throw invalid(`progress must be a finite number, got ${progress}`);
    return this.changed(`UPDATE evaluation_runs SET progress = $2 WHERE id = $1 AND status = 'running'`, [
      id,
      Math.min(1, Math.max(0, progress)),
    ]);
  }

  /**
   * Stores the scores: the run row and its three class rows in one transaction. Calling it again
   * replaces them. A cancelled (or unknown) run is left alone: returns false.
   */
  async complete(id: string, result: CompleteEvaluationRun): Promise<boolean> {
    assertUuid(id);
    assertInteger('samplesEvaluated', result.samplesEvaluated, 0);
    assertInteger('durationMs', Math.round(result.durationMs), 0);
    const { report } = result;
    assertReport(report);
    return withTransaction(this.pool, async (client) => {
      const stored = await this.changed(
        `UPDATE evaluation_runs
         SET status = 'completed', progress = 1, error = NULL, started_at = COALESCE(started_at, now()), finished_at = now(),
             resolved_model = $2, model_version = $3, samples_evaluated = $4, duration_ms = $5,
             accuracy = $6, macro_precision = $7, macro_recall = $8, macro_f1 = $9,
             weighted_precision = $10, weighted_recall = $11, weighted_f1 = $12,
             zero_division = $13, confusion_matrix = $14::jsonb
         WHERE id = $1 AND status <> 'cancelled'`,
        [
          id,
          result.resolvedModel,
          result.modelVersion,
          result.samplesEvaluated,
          Math.round(result.durationMs),
          report.accuracy,
          report.macroPrecision,
          report.macroRecall,
          report.macroF1,
          report.weightedPrecision,
          report.weightedRecall,
          report.weightedF1,
          report.zeroDivision,
          JSON.stringify(report.confusionMatrix), // node-postgres would send a JS array as a Postgres array
        ],
        client,
      );
      if (!stored) return false;
      const values = SENTIMENT_LABELS.map((label) => {
        const m = report.perClass[label];
        return [label, m.precision, m.recall, m.f1, m.support];
      });
      await client.query(
        `INSERT INTO evaluation_class_metrics (run_id, class_label, precision, recall, f1, support)
         VALUES ${values.map((_, i) => `($1, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5}, $${i * 5 + 6})`).join(', ')}
         ON CONFLICT (run_id, class_label) DO UPDATE
         SET precision = EXCLUDED.precision, recall = EXCLUDED.recall, f1 = EXCLUDED.f1, support = EXCLUDED.support`,
        [id, ...values.flat()],
      );
      return true;
    });
  }

  /** Records a failure. Completed and cancelled runs keep their status: returns false. */
  async fail(id: string, error: string): Promise<boolean> {
    assertUuid(id);
    return this.changed(
      `UPDATE evaluation_runs SET status = 'failed', error = $2, finished_at = now()
       WHERE id = $1 AND status IN ('queued', 'running', 'failed')`,
      [id, error.slice(0, MAX_ERROR_LENGTH)],
    );
  }

  /** Cancels a queued or running run; returns whether it did. */
  async cancel(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    return this.changed(
      `UPDATE evaluation_runs SET status = 'cancelled', finished_at = now() WHERE id = $1 AND status IN ('queued', 'running')`,
      [id],
    );
  }

  async get(id: string): Promise<EvaluationRun | null> {
    if (!UUID.test(id)) return null; // not an id we could have issued
    const { rows } = await this.pool.query<EvaluationRunRow>(`SELECT ${RUN_COLUMNS} FROM evaluation_runs WHERE id = $1`, [id]);
    return rows[0] ? (await this.withClassMetrics(rows))[0] : null;
  }

  /** Newest first (created_at, then id), with the total matching the filters. */
  async list(query: ListEvaluationRunsQuery = {}): Promise<{ items: EvaluationRun[]; total: number }> {
    const limit = Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(query.limit ?? DEFAULT_LIST_LIMIT)));
    const offset = Math.max(0, Math.floor(query.offset ?? 0));
    const where: string[] = [];
    const params: unknown[] = [];
    const filter = (value: string | undefined, sql: (placeholder: string) => string): void => {
      if (value === undefined) return;
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    filter(query.modelName, (p) => `(model_name = ${p} OR resolved_model = ${p})`);
    filter(query.dataset, (p) => `dataset = ${p}`);
    filter(query.split, (p) => `split = ${p}`);
    filter(query.status, (p) => `status = ${p}`);
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';

    const [count, page] = await Promise.all([
      this.pool.query<{ total: number }>(`SELECT count(*)::int AS total FROM evaluation_runs ${whereSql}`, params),
      this.pool.query<EvaluationRunRow>(
        `SELECT ${RUN_COLUMNS} FROM evaluation_runs ${whereSql}
         ORDER BY created_at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, limit, offset],
      ),
    ]);
    return { items: await this.withClassMetrics(page.rows), total: count.rows[0].total };
  }

  /**
   * The newest completed run per (model, dataset, split), where the model is the one that answered
   * (falling back to the requested name). "Newest" is by finished_at: the run whose scores the
   * live gauges showed last, so restoring them at start-up reproduces the pre-restart values.
   */
  async latestCompletedPerTarget(): Promise<EvaluationRun[]> {
    const { rows } = await this.pool.query<EvaluationRunRow>(
      `SELECT DISTINCT ON (COALESCE(resolved_model, model_name), dataset, split) ${RUN_COLUMNS}
       FROM evaluation_runs
       WHERE status = 'completed'
       ORDER BY COALESCE(resolved_model, model_name), dataset, split, finished_at DESC, created_at DESC, id DESC`,
    );
    return this.withClassMetrics(rows);
  }

  /** Completed runs that finished in [from, to), oldest first, at most `limit` (performance drift reads these). */
  async completedBetween(from: Date, to: Date, limit = 1_000): Promise<EvaluationRun[]> {
    const { rows } = await this.pool.query<EvaluationRunRow>(
      `SELECT ${RUN_COLUMNS} FROM evaluation_runs
       WHERE status = 'completed' AND finished_at >= $1 AND finished_at < $2
       ORDER BY finished_at, id LIMIT $3`,
      [from, to, limit],
    );
    return this.withClassMetrics(rows);
  }

  private async insert(client: Pool | PoolClient, id: string, params: EvaluationParameters, owner: string | null): Promise<EvaluationRun | null> {
    const { rows } = await client.query<EvaluationRunRow>(
      `INSERT INTO evaluation_runs (id, dataset, split, samples_requested, sampling, seed, model_name, owner_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO NOTHING
       RETURNING ${RUN_COLUMNS}`,
      [id, params.dataset, params.split, params.samples, params.sampling, params.seed, params.modelName, owner],
    );
    return rows[0] ? toEvaluationRun(rows[0]) : null;
  }

  private async changed(sql: string, params: unknown[], client: Pool | PoolClient = this.pool): Promise<boolean> {
    const result = await client.query(sql, params);
    return (result.rowCount ?? 0) > 0;
  }

  /** One query for the class rows of all completed runs in `rows` (no N+1). */
  private async withClassMetrics(rows: readonly EvaluationRunRow[]): Promise<EvaluationRun[]> {
    const completed = rows.filter((row) => row.status === 'completed').map((row) => row.id);
    const classRows = completed.length
      ? (
          await this.pool.query<ClassMetricsRow>(
            `SELECT run_id, class_label, precision, recall, f1, support FROM evaluation_class_metrics WHERE run_id = ANY($1::uuid[])`,
            [completed],
          )
        ).rows
      : [];
    return rows.map((row) => toEvaluationRun(row, classRows.filter((c) => c.run_id === row.id)));
  }
}
