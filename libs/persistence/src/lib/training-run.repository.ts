import { randomUUID } from 'node:crypto';
import { DatabaseError, type Pool } from 'pg';
import { toJsonObject } from './json';
import { PersistenceErrorCode, PersistenceException } from './persistence.errors';
import {
  TRAINING_KINDS,
  TRAINING_RUN_COLUMNS,
  toTrainingRun,
  type CompleteTrainingRun,
  type EpochMetrics,
  type ListTrainingRunsQuery,
  type StartTrainingRun,
  type TrainingRun,
  type TrainingRunRow,
} from './training-run.types';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const MAX_ERROR_LENGTH = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FOREIGN_KEY_VIOLATION = '23503';

const invalid = (message: string): PersistenceException => new PersistenceException(PersistenceErrorCode.InvalidArgument, message);
const assertUuid = (id: string): void => {
  if (!UUID.test(id)) throw invalid(`Training run id must be a UUID, got ${JSON.stringify(id)}`);
};
const assertText = (name: string, value: unknown): void => {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${name} must be a non-empty string`);
};

const assertEpoch = (metrics: EpochMetrics): void => {
  if (!Number.isSafeInteger(metrics.epoch) || metrics.epoch < 0) throw invalid(`epoch must be an integer >= 0, got ${metrics.epoch}`);
  for (const [key, value] of Object.entries(metrics)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`Epoch metric ${key} must be a finite number`);
  }
};

/**
 * Training and fine-tuning runs: started by the trainer, one `recordEpoch` per epoch, then
 * `complete` (with the registered model version) or `fail`. Transitions only leave `running`, so
 * a late or repeated call after the end changes nothing and returns false.
 */
export class TrainingRunRepository {
  constructor(private readonly pool: Pool) {}

  /** Records a running run. Idempotent on `id`: a repeated start returns the existing row unchanged. */
  async start(input: StartTrainingRun): Promise<TrainingRun> {
    const id = input.id ?? randomUUID();
    assertUuid(id);
    if (!TRAINING_KINDS.includes(input.kind)) throw invalid(`kind must be one of ${TRAINING_KINDS.join(', ')}`);
    assertText('dataset', input.dataset);
    assertText('split', input.split);
    if (input.baseModel !== undefined && input.baseModel !== null) assertText('baseModel', input.baseModel);
    const parameters = toJsonObject('parameters', input.parameters);
    const { rows } = await this.pool.query<TrainingRunRow>(
      `INSERT INTO training_runs (id, kind, base_model, dataset, split, parameters, mlflow_run_id)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
       ON CONFLICT (id) DO NOTHING
       RETURNING ${TRAINING_RUN_COLUMNS}`,
      [id, input.kind, input.baseModel ?? null, input.dataset, input.split, parameters, input.mlflowRunId ?? null],
    );
    if (rows[0]) return toTrainingRun(rows[0]);
    const existing = await this.get(id);
    if (!existing) throw new Error(`Training run ${id} conflicted on insert but cannot be read`);
    return existing;
  }

  /** Appends an epoch's metrics (replacing an earlier entry for the same epoch, so a retried call is harmless). */
  async recordEpoch(id: string, metrics: EpochMetrics): Promise<boolean> {
    assertUuid(id);
    assertEpoch(metrics);
    const { rowCount } = await this.pool.query(
      `UPDATE training_runs
       SET epochs = COALESCE(
             (SELECT jsonb_agg(e ORDER BY (e->>'epoch')::int) FROM jsonb_array_elements(epochs) AS e WHERE (e->>'epoch')::int <> $3),
             '[]'::jsonb
           ) || jsonb_build_array($2::jsonb)
       WHERE id = $1 AND status = 'running'`,
      [id, JSON.stringify(metrics), metrics.epoch],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Marks a running run completed. Throws VERSION_NOT_FOUND if the given model version is not registered. */
  async complete(id: string, result: CompleteTrainingRun): Promise<boolean> {
    assertUuid(id);
    const finalMetrics = toJsonObject('finalMetrics', result.finalMetrics);
    if ((result.model === undefined) !== (result.version === undefined)) throw invalid('model and version go together');
    try {
      const { rowCount } = await this.pool.query(
        `UPDATE training_runs
         SET status = 'completed', final_metrics = $2::jsonb, model = $3, version = $4,
             mlflow_run_id = COALESCE($5, mlflow_run_id), error = NULL, finished_at = now()
         WHERE id = $1 AND status = 'running'`,
        [id, finalMetrics, result.model ?? null, result.version ?? null, result.mlflowRunId ?? null],
      );
      return (rowCount ?? 0) > 0;
    } catch (error) {
      if (error instanceof DatabaseError && error.code === FOREIGN_KEY_VIOLATION) {
        throw new PersistenceException(
          PersistenceErrorCode.VersionNotFound,
          `Model version ${result.model}@${result.version} is not registered`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Marks a running run failed; completed and failed runs are left alone (false). */
  async fail(id: string, error: string): Promise<boolean> {
    assertUuid(id);
    const { rowCount } = await this.pool.query(
      `UPDATE training_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status = 'running'`,
      [id, error.slice(0, MAX_ERROR_LENGTH)],
    );
    return (rowCount ?? 0) > 0;
  }

  async get(id: string): Promise<TrainingRun | null> {
    if (!UUID.test(id)) return null; // not an id we could have issued
    const { rows } = await this.pool.query<TrainingRunRow>(`SELECT ${TRAINING_RUN_COLUMNS} FROM training_runs WHERE id = $1`, [id]);
    return rows[0] ? toTrainingRun(rows[0]) : null;
  }

  /** Newest first (started_at, then id), with the total count. */
  async list(query: ListTrainingRunsQuery = {}): Promise<{ items: TrainingRun[]; total: number }> {
    const whole = (value: number | undefined, fallback: number): number => (Number.isFinite(value) ? Math.floor(value as number) : fallback);
    const limit = Math.min(MAX_LIMIT, Math.max(1, whole(query.limit, DEFAULT_LIMIT)));
    const offset = Math.max(0, whole(query.offset, 0));
    const [count, page] = await Promise.all([
      this.pool.query<{ total: number }>('SELECT count(*)::int AS total FROM training_runs'),
      this.pool.query<TrainingRunRow>(
        `SELECT ${TRAINING_RUN_COLUMNS} FROM training_runs ORDER BY started_at DESC, id DESC LIMIT $1 OFFSET $2`,
        [limit, offset],
      ),
    ]);
    return { items: page.rows.map(toTrainingRun), total: count.rows[0].total };
  }
}
