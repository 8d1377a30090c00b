import { randomUUID } from 'node:crypto';
import type { AlertSeverity, AlertType, DriftAlert, DriftReport, DriftReportResult, DriftRunParameters, ReportStatus, RunTrigger } from '@sentiment-ops/contracts';
import type { Pool } from 'pg';
import { iso, toJsonObject } from '../json';
import { newestFirstPage } from './newest-first-page';
import { readRendering, type ReportRenderingFormat, type StoredRendering } from './report-rendering';
import { withTransaction } from '../pg-pool';

export interface CreateDriftReport {
  id: string;
  trigger: RunTrigger;
  requestedBy: string | null;
  parameters: Partial<DriftRunParameters>;
}

export type DriftAlertInput = Omit<DriftAlert, 'id' | 'reportId' | 'createdAt'>;

export interface CompleteDriftReport {
  /** The windows and defaults actually used (scheduled runs only know them once they start). */
  parameters: Partial<DriftRunParameters>;
  result: DriftReportResult;
  markdown: string;
  png: Buffer;
  alerts: readonly DriftAlertInput[];
}

export interface ListReportsQuery {
  limit: number;
  offset: number;
  status?: ReportStatus;
}

interface DriftReportRow {
  id: string;
  status: ReportStatus;
  trigger: RunTrigger;
  requested_by: string | null;
  parameters: Partial<DriftRunParameters>;
  result: DriftReportResult | null;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

interface DriftAlertRow {
  id: string;
  report_id: string;
  type: AlertType;
  severity: AlertSeverity;
  feature: string | null;
  message: string;
  threshold: number;
  actual_value: number;
  created_at: Date;
}

const REPORT_COLUMNS = 'id, status, trigger, requested_by, parameters, result, error, created_at, started_at, finished_at';

const toAlert = (row: DriftAlertRow): DriftAlert => ({
  id: row.id,
  reportId: row.report_id,
  type: row.type,
  severity: row.severity,
  feature: row.feature,
  message: row.message,
  threshold: row.threshold,
  actualValue: row.actual_value,
  createdAt: row.created_at.toISOString(),
});

const toReport = (row: DriftReportRow, alerts: DriftAlert[]): DriftReport => ({
  id: row.id,
  status: row.status,
  trigger: row.trigger,
  requestedBy: row.requested_by,
  createdAt: row.created_at.toISOString(),
  startedAt: iso(row.started_at),
  finishedAt: iso(row.finished_at),
  error: row.error,
  parameters: row.parameters,
  result: row.result,
  alerts,
});

/** Drift reports and their alerts (migration 6); the Markdown and PNG renderings are stored with the result. */
export class DriftReportRepository {
  constructor(private readonly pool: Pool) {}

  /** Records a queued report. Idempotent: the same id again leaves the existing row. */
  async create(report: CreateDriftReport): Promise<void> {
    await this.pool.query(
      `INSERT INTO drift_reports (id, trigger, requested_by, parameters) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
      [report.id, report.trigger, report.requestedBy, toJsonObject('parameters', report.parameters)],
    );
  }

  /** Returns the report's creation time (the report's date), or null for an unknown id. */
  async markRunning(id: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ created_at: Date }>(
      `UPDATE drift_reports SET status = 'running', started_at = now(), error = NULL WHERE id = $1 RETURNING created_at`,
      [id],
    );
    return rows[0]?.created_at.toISOString() ?? null;
  }

  /** Stores the result and replaces the report's alerts in one transaction (a retried run leaves one set). */
  async complete(id: string, outcome: CompleteDriftReport): Promise<DriftAlert[]> {
    return withTransaction(this.pool, async (client) => {
      await client.query(
        `UPDATE drift_reports SET status = 'completed', parameters = $2, result = $3, model = $4, dataset_drifted = $5,
                markdown = $6, png = $7, error = NULL, finished_at = now()
          WHERE id = $1`,
        [id, toJsonObject('parameters', outcome.parameters), toJsonObject('result', outcome.result), outcome.result.model, outcome.result.dataset.drifted, outcome.markdown, outcome.png],
      );
      await client.query('DELETE FROM drift_alerts WHERE report_id = $1', [id]);
      const stored: DriftAlert[] = [];
      for (const alert of outcome.alerts) {
        const { rows } = await client.query<DriftAlertRow>(
          `INSERT INTO drift_alerts (id, report_id, type, severity, feature, message, threshold, actual_value)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
          [randomUUID(), id, alert.type, alert.severity, alert.feature, alert.message, alert.threshold, alert.actualValue],
        );
        stored.push(toAlert(rows[0]));
      }
      return stored;
    });
  }

  /** Updates the stored result after the fact (the webhook outcome is known only after delivery). */
  async updateResult(id: string, result: DriftReportResult, markdown: string): Promise<void> {
    await this.pool.query('UPDATE drift_reports SET result = $2, markdown = $3 WHERE id = $1', [id, toJsonObject('result', result), markdown]);
  }

  async fail(id: string, error: string): Promise<void> {
    await this.pool.query(`UPDATE drift_reports SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [id, error]);
  }

  async get(id: string): Promise<DriftReport | null> {
    const { rows } = await this.pool.query<DriftReportRow>(`SELECT ${REPORT_COLUMNS} FROM drift_reports WHERE id = $1`, [id]);
    if (!rows[0]) return null;
    return toReport(rows[0], await this.alertsOf(id));
  }

  /** Newest first; results included, renderings not (fetch those one by one). */
  async list(query: ListReportsQuery): Promise<{ items: DriftReport[]; total: number }> {
    const { rows, total } = await newestFirstPage<DriftReportRow>(this.pool, { table: 'drift_reports', columns: REPORT_COLUMNS }, query, { column: 'status', value: query.status });
    const alerts = await this.alertsOfMany(rows.map((row) => row.id));
    return { items: rows.map((row) => toReport(row, alerts.get(row.id) ?? [])), total };
  }

  async latest(status?: ReportStatus): Promise<DriftReport | null> {
    const { items } = await this.list({ limit: 1, offset: 0, status });
    return items[0] ?? null;
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
    return readRendering(this.pool, 'drift_reports', id, format);
  }

  /** Alerts of every report, newest first. */
  async listAlerts(query: { limit: number; offset: number; severity?: AlertSeverity }): Promise<{ items: DriftAlert[]; total: number }> {
    const { rows, total } = await newestFirstPage<DriftAlertRow>(this.pool, { table: 'drift_alerts', columns: '*' }, query, { column: 'severity', value: query.severity });
    return { items: rows.map(toAlert), total };
  }

  private async alertsOf(reportId: string): Promise<DriftAlert[]> {
    return (await this.alertsOfMany([reportId])).get(reportId) ?? [];
  }

  private async alertsOfMany(reportIds: readonly string[]): Promise<Map<string, DriftAlert[]>> {
    const byReport = new Map<string, DriftAlert[]>();
    if (reportIds.length === 0) return byReport;
    const { rows } = await this.pool.query<DriftAlertRow>(
      `SELECT * FROM drift_alerts WHERE report_id = ANY($1::uuid[]) ORDER BY severity, type, feature -- CRITICAL before WARNING`,
      [reportIds],
    );
    for (const row of rows) byReport.set(row.report_id, [...(byReport.get(row.report_id) ?? []), toAlert(row)]);
    return byReport;
  }
}
