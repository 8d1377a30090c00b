import type { ReportStatus } from '@sentiment-ops/contracts';
import type { Pool } from 'pg';

export type ReportRenderingFormat = 'md' | 'png';

/** A report's status with one of its stored renderings (null until the report completes). */
export interface StoredRendering<Content extends string | Buffer = string | Buffer> {
  status: ReportStatus;
  error: string | null;
  content: Content | null;
}

const COLUMN: Record<ReportRenderingFormat, string> = { md: 'markdown', png: 'png' };

/** One read for what serving a rendering needs: whether the report exists, its status, and the content. */
export const readRendering = async <Content extends string | Buffer>(
  pool: Pool,
  table: 'drift_reports' | 'comparison_reports',
  id: string,
  format: ReportRenderingFormat,
): Promise<StoredRendering<Content> | null> => {
  const { rows } = await pool.query<StoredRendering<Content>>(`SELECT status, error, ${COLUMN[format]} AS content FROM ${table} WHERE id = $1`, [id]);
  return rows[0] ?? null;
};
