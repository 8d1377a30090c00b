import type { SentimentLabel } from '@sentiment-ops/contracts';
import type { Pool } from 'pg';
import { PersistenceErrorCode, PersistenceException } from './persistence.errors';

/** One sampled live prediction, as the gateway writes it. */
export interface PredictionLogInput {
  /** Defaults to the insert time; set by the writer to the time of the prediction. */
  createdAt?: Date;
  model: string;
  modelVersion: string;
  /** Unicode code points. */
  textLength: number;
  label: SentimentLabel;
  confidence: number;
  probabilities: { negative: number; neutral: number; positive: number };
  /** Null unless the operator opted in to storing texts. */
  text: string | null;
}

export interface PredictionLogEntry extends Omit<PredictionLogInput, 'createdAt'> {
  id: string;
  createdAt: string;
}

export interface PredictionLogRetention {
  /** Rows older than this are deleted; 0 keeps rows of any age. */
  maxAgeDays: number;
  /** Only the newest rows are kept; 0 keeps any number. */
  maxRows: number;
}

interface PredictionLogRow {
  id: string;
  created_at: Date;
  model: string;
  model_version: string;
  text_length: number;
  label: SentimentLabel;
  confidence: number;
  p_negative: number;
  p_neutral: number;
  p_positive: number;
  text: string | null;
}

const COLUMNS = ['created_at', 'model', 'model_version', 'text_length', 'label', 'confidence', 'p_negative', 'p_neutral', 'p_positive', 'text'] as const;
/** pg sends at most 65,535 bind parameters per statement. */
export const PREDICTION_LOG_MAX_INSERT_ROWS = Math.floor(65_535 / COLUMNS.length);
const DEFAULT_WINDOW_LIMIT = 10_000;

const invalid = (message: string): PersistenceException => new PersistenceException(PersistenceErrorCode.InvalidArgument, message);

const toEntry = (row: PredictionLogRow): PredictionLogEntry => ({
  id: row.id,
  createdAt: row.created_at.toISOString(),
  model: row.model,
  modelVersion: row.model_version,
  textLength: row.text_length,
  label: row.label,
  confidence: row.confidence,
  probabilities: { negative: row.p_negative, neutral: row.p_neutral, positive: row.p_positive },
  text: row.text,
});

/**
 * The sampled log of live predictions (migration 5). Written in batches by the gateway, read by
 * time window for drift reports, and kept bounded by `enforceRetention`.
 */
export class PredictionLogRepository {
  constructor(private readonly pool: Pool) {}

  /** One multi-row INSERT; returns the number of rows written. */
  async insertMany(rows: readonly PredictionLogInput[]): Promise<number> {
    if (rows.length === 0) return 0;
    if (rows.length > PREDICTION_LOG_MAX_INSERT_ROWS) throw invalid(`at most ${PREDICTION_LOG_MAX_INSERT_ROWS} rows per insert, got ${rows.length}`);
    const values: unknown[] = [];
    const tuples = rows.map((row) => {
      const base = values.length;
      values.push(row.createdAt ?? new Date(), row.model, row.modelVersion, row.textLength, row.label, row.confidence, row.probabilities.negative, row.probabilities.neutral, row.probabilities.positive, row.text);
      return `(${COLUMNS.map((_, index) => `$${base + index + 1}`).join(', ')})`;
    });
    const result = await this.pool.query(`INSERT INTO prediction_log (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, values);
    return result.rowCount ?? 0;
  }

  /** Entries with from <= created_at < to, oldest first (served by the (model, created_at) or (created_at) index). */
  async window(from: Date, to: Date, options: { model?: string; limit?: number } = {}): Promise<PredictionLogEntry[]> {
    const limit = options.limit ?? DEFAULT_WINDOW_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1) throw invalid(`limit must be a positive integer, got ${limit}`);
    const params: unknown[] = [from, to, limit];
    const byModel = options.model === undefined ? '' : `AND model = $${params.push(options.model)}`;
    const { rows } = await this.pool.query<PredictionLogRow>(
      `SELECT id::text AS id, ${COLUMNS.join(', ')} FROM prediction_log
        WHERE created_at >= $1 AND created_at < $2 ${byModel}
        ORDER BY created_at, id LIMIT $3`,
      params,
    );
    return rows.map(toEntry);
  }

  /**
   * At most `limit` entries of [from, to): all of them when the window holds no more, else a uniform
   * random sample (drift statistics need a bounded, unbiased read of a window of any size).
   */
  async sampleWindow(from: Date, to: Date, options: { model?: string; limit: number }): Promise<{ entries: PredictionLogEntry[]; total: number }> {
    if (!Number.isSafeInteger(options.limit) || options.limit < 1) throw invalid(`limit must be a positive integer, got ${options.limit}`);
    const params: unknown[] = [from, to];
    const byModel = options.model === undefined ? '' : `AND model = $${params.push(options.model)}`;
    const where = `WHERE created_at >= $1 AND created_at < $2 ${byModel}`;
    const { rows: counted } = await this.pool.query<{ total: number }>(`SELECT count(*)::int AS total FROM prediction_log ${where}`, params);
    const total = counted[0].total;
    const order = total > options.limit ? 'random()' : 'created_at, id';
    const { rows } = await this.pool.query<PredictionLogRow>(
      `SELECT id::text AS id, ${COLUMNS.join(', ')} FROM prediction_log ${where} ORDER BY ${order} LIMIT $${params.length + 1}`,
      [...params, options.limit],
    );
    return { entries: rows.map(toEntry), total };
  }

  /** The model that answered most logged predictions in [from, to), or null for an empty window. */
  async busiestModel(from: Date, to: Date): Promise<string | null> {
    const { rows } = await this.pool.query<{ model: string }>(
      `SELECT model FROM prediction_log WHERE created_at >= $1 AND created_at < $2 GROUP BY model ORDER BY count(*) DESC, model LIMIT 1`,
      [from, to],
    );
    return rows[0]?.model ?? null;
  }

  /**
   * Deletes rows older than maxAgeDays, then all but the newest maxRows (by id: ids grow with
   * inserts, and the primary key finds the cut-off row without sorting the table). Idempotent, so
   * several gateways may run it. Returns the rows deleted.
   */
  async enforceRetention({ maxAgeDays, maxRows }: PredictionLogRetention): Promise<number> {
    if (!Number.isSafeInteger(maxAgeDays) || maxAgeDays < 0) throw invalid(`maxAgeDays must be an integer >= 0, got ${maxAgeDays}`);
    if (!Number.isSafeInteger(maxRows) || maxRows < 0) throw invalid(`maxRows must be an integer >= 0, got ${maxRows}`);
    let deleted = 0;
    if (maxAgeDays > 0) {
      const result = await this.pool.query(`DELETE FROM prediction_log WHERE created_at < now() - make_interval(days => $1)`, [maxAgeDays]);
      deleted += result.rowCount ?? 0;
    }
    if (maxRows > 0) {
      const result = await this.pool.query(
        `DELETE FROM prediction_log
          WHERE id < (SELECT id FROM prediction_log ORDER BY id DESC OFFSET $1 LIMIT 1)`,
        [maxRows - 1],
      );
      deleted += result.rowCount ?? 0;
    }
    return deleted;
  }
}
