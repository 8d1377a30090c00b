import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { migrateDatabase } from '@sentiment-ops/persistence';
import { createTestDatabase, type TestDatabase } from '@sentiment-ops/testing';
import { dashboardFiles, dashboardQuerySites, type SqlSite } from './observability-files';

// Values a viewer would pick for the dashboards' variables; an unknown variable fails the test.
const VARIABLES: Record<string, string> = { model: 'sentiment-lite', dataset: 'tweet_eval', split: 'test' };

/** A panel's SQL as Grafana's Postgres datasource sends it: time macros expanded, variables interpolated. */
const interpolateGrafanaSql = (sql: string, from: Date, to: Date): string =>
  sql
    .replace(/\$__timeFilter\(([^)]+)\)/g, (_, column: string) => `${column.trim()} BETWEEN '${from.toISOString()}' AND '${to.toISOString()}'`)
    .replace(/\$(\w+)/g, (_, name: string) => {
      const value = VARIABLES[name];
      if (value === undefined) throw new Error(`no value for Grafana variable $${name}`);
      return value;
    });

describe('Grafana Postgres panels against the migrated schema', () => {
  let database: TestDatabase;
  let client: Client;
  const sites: SqlSite[] = dashboardFiles().flatMap((file) => dashboardQuerySites(file).sql);

  beforeAll(async () => {
    database = await createTestDatabase('grafana_sql');
    await migrateDatabase(database.url);
    client = new Client({ connectionString: database.url });
    await client.connect();
    // One completed evaluation, one drift report with one alert: every panel must find them.
    await client.query(
      `INSERT INTO evaluation_runs (id, status, dataset, split, sampling, seed, model_name, resolved_model, samples_evaluated, accuracy,
         macro_f1, macro_recall, weighted_f1, confusion_matrix, started_at, finished_at, duration_ms)
       VALUES ($1, 'completed', 'tweet_eval', 'test', 'stratified', 42, 'sentiment-lite', 'sentiment-lite', 500, 0.61,
         0.61, 0.63, 0.6, '[[1,0,0],[0,1,0],[0,0,1]]', now() - interval '2 minutes', now() - interval '1 minute', 60000)`,
      [randomUUID()],
    );
    const reportId = randomUUID();
    await client.query(
      `INSERT INTO drift_reports (id, status, trigger, model, dataset_drifted, started_at, finished_at) VALUES ($1, 'completed', 'schedule', 'sentiment-lite', true, now(), now())`,
      [reportId],
    );
    await client.query(
      `INSERT INTO drift_alerts (id, report_id, type, severity, feature, message, threshold, actual_value)
       VALUES ($1, $2, 'CONFIDENCE_DRIFT', 'WARNING', 'confidence', 'confidence drifted', 0.05, 0.001)`,
      [randomUUID(), reportId],
    );
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('finds Postgres panels on the evaluation and drift dashboards', () => {
    expect(sites.map((site) => site.where.split(' ')[0])).toEqual(
      expect.arrayContaining(['docker/grafana/dashboards/model-evaluation-metrics.json', 'docker/grafana/dashboards/drift-alerts.json']),
    );
  });

  it.each(sites.map((site) => [site.where, site] as const))('%s runs and returns the seeded rows', async (_where, site) => {
    const now = Date.now();
    const result = await client.query(interpolateGrafanaSql(site.sql, new Date(now - 3_600_000), new Date(now + 60_000)));
    expect(result.rowCount).toBeGreaterThan(0);
    if (site.format === 'time_series') expect(result.fields.map((field) => field.name)).toContain('time');
  });

  it('returns nothing outside the time range, so the time filter is applied', async () => {
    for (const site of sites) {
      const result = await client.query(interpolateGrafanaSql(site.sql, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-02T00:00:00Z')));
      expect({ where: site.where, rows: result.rowCount }).toEqual({ where: site.where, rows: 0 });
    }
  });
});
