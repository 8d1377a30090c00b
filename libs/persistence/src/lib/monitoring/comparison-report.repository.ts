import type { ComparisonDelta, ComparisonEntry, ComparisonReport, ComparisonTarget, ReportStatus, RunTrigger } from '@sentiment-ops/contracts';
import type { Pool } from 'pg';
import { iso } from '../json';
import { newestFirstPage } from './newest-first-page';
import { readRendering, type ReportRenderingFormat, type StoredRendering } from './report-rendering';
import type { ListReportsQuery } from './drift-report.repository';

export interface CreateComparisonReport {
  id: string;
  trigger: RunTrigger;
  requestedBy: string | null;
  targets: readonly ComparisonTarget[];
  runIds: readonly string[];
}

export interface CompleteComparisonReport {
  entries: readonly ComparisonEntry[];
  deltas: readonly ComparisonDelta[];
  partial: boolean;
  markdown: string;
  png: Buffer;
}

interface ComparisonReportRow {
  id: string;
  status: ReportStatus;
  trigger: RunTrigger;
  requested_by: string | null;
  partial: boolean;
  targets: ComparisonTarget[];
  run_ids: string[];
  entries: ComparisonEntry[] | null;
  deltas: ComparisonDelta[] | null;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

const COLUMNS = 'id, status, trigger, requested_by, partial, targets, run_ids, entries, deltas, error, created_at, finished_at';

const toReport = (row: ComparisonReportRow): ComparisonReport => ({
  id: row.id,
  status: row.status,
  trigger: row.trigger,
  requestedBy: row.requested_by,
  partial: row.partial,
  createdAt: row.created_at.toISOString(),
  finishedAt: iso(row.finished_at),
  error: row.error,
  targets: row.targets,
  runIds: row.run_ids,
  entries: row.entries ?? [],
  deltas: row.deltas ?? [],
});

/** Model comparison reports, the parents of model-evaluation flows (migration 6). */
export class ComparisonReportRepository {
  constructor(private readonly pool: Pool) {}

  /** A manual run accepted by the API: the worker fills in targets and children when it builds the flow. */
  async createQueued(report: { id: string; trigger: RunTrigger; requestedBy: string | null }): Promise<void> {
    await this.pool.query(
      `INSERT INTO comparison_reports (id, status, trigger, requested_by, targets, run_ids) VALUES ($1, 'queued', $2, $3, '[]', '{}') ON CONFLICT (id) DO NOTHING`,
      [report.id, report.trigger, report.requestedBy],
    );
  }

  /**
   * Records a running flow before its jobs are added. Idempotent on the id: a queued row gets its
   * targets and children; a retried job finds its running row unchanged and reuses its run ids.
   */
  async start(report: CreateComparisonReport): Promise<ComparisonReport> {
    await this.pool.query(
      `INSERT INTO comparison_reports (id, trigger, requested_by, targets, run_ids) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET status = 'running', targets = EXCLUDED.targets, run_ids = EXCLUDED.run_ids
       WHERE comparison_reports.status = 'queued'`,
      [report.id, report.trigger, report.requestedBy, JSON.stringify(report.targets), report.runIds],
    );
    const stored = await this.get(report.id);
    if (!stored) throw new Error(`comparison report ${report.id} vanished after insert`);
    return stored;
  }

  async complete(id: string, outcome: CompleteComparisonReport): Promise<void> {
    await this.pool.query(
      `UPDATE comparison_reports SET status = 'completed', entries = $2, deltas = $3, partial = $4, markdown = $5, png = $6, error = NULL, finished_at = now()
        WHERE id = $1`,
      [id, JSON.stringify(outcome.entries), JSON.stringify(outcome.deltas), outcome.partial, outcome.markdown, outcome.png],
    );
  }

  async fail(id: string, error: string): Promise<void> {
    await this.pool.query(`UPDATE comparison_reports SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [id, error]);
  }

  async get(id: string): Promise<ComparisonReport | null> {
    const { rows } = await this.pool.query<ComparisonReportRow>(`SELECT ${COLUMNS} FROM comparison_reports WHERE id = $1`, [id]);
    return rows[0] ? toReport(rows[0]) : null;
  }

  async list(query: ListReportsQuery): Promise<{ items: ComparisonReport[]; total: number }> {
    const { rows, total } = await newestFirstPage<ComparisonReportRow>(this.pool, { table: 'comparison_reports', columns: COLUMNS }, query, { column: 'status', value: query.status });
    return { items: rows.map(toReport), total };
  }

  async latest(): Promise<ComparisonReport | null> {
    return (await this.list({ limit: 1, offset: 0 })).items[0] ?? null;
  }

  async markdown(id: string): Promise<string | null> {
    return (await this.rendering(id, 'md'))?.content ?? null;
  }

  async png(id: string): Promise<Buffer | null> {
    return (await this.rendering(id, 'png'))?.content ?? null;
  }

  /** Status and one rendering in a single read, for serving it (null: no such report). */
  rendering(id: string, format: 'md'): Promise<StoredRendering<string> | null>;
  rendering(id: string, format: 'png'): Promise<StoredRendering<Buffer> | null>;
  rendering(id: string, format: ReportRenderingFormat): Promise<StoredRendering | null>;
  rendering(id: string, format: ReportRenderingFormat): Promise<StoredRendering | null> {
    return readRendering(this.pool, 'comparison_reports', id, format);
  }
}
