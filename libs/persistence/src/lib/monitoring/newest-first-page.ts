import type { Pool, QueryResultRow } from 'pg';

/**
 * One page of a monitoring table, newest first (created_at, then id), optionally filtered on one
 * column, with the total the filter matches: the page and the count run side by side.
 */
export const newestFirstPage = async <Row extends QueryResultRow>(
  pool: Pool,
  source: { table: string; columns: string },
  page: { limit: number; offset: number },
  filter?: { column: string; value: string | undefined },
): Promise<{ rows: Row[]; total: number }> => {
  const params: unknown[] = filter?.value === undefined ? [] : [filter.value];
  const where = filter && params.length > 0 ? `WHERE ${filter.column} = $1` : '';
  const [{ rows }, count] = await Promise.all([
    pool.query<Row>(`SELECT ${source.columns} FROM ${source.table} ${where} ORDER BY created_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [
      ...params,
      page.limit,
      page.offset,
    ]),
    pool.query<{ total: number }>(`SELECT count(*)::int AS total FROM ${source.table} ${where}`, params),
  ]);
  return { rows, total: count.rows[0].total };
};
