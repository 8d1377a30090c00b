import { randomUUID } from 'node:crypto';
import { MonitoringJobName, MonitoringQueueName, type DriftReportResult } from '@sentiment-ops/contracts';
import { ComparisonReportRepository, createPgPool, DriftReportRepository, migrateDatabase, ScheduleRepository } from '@sentiment-ops/persistence';
import { ScheduleManager, type ScheduleDefinition } from '@sentiment-ops/scheduling';
import { createTestDatabase, deleteKeys, TEST_REDIS_URL, uniquePrefix, type TestDatabase } from '@sentiment-ops/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { PNG } from 'pngjs';
import { startGateway, TEST_API_KEYS, TEST_KEYS, type RunningGateway } from './test/gateway-harness';

const DEFINITIONS: ScheduleDefinition[] = [
  { id: 'model-evaluation', pattern: '0 * * * *', timezone: 'UTC' },
  { id: 'drift-monitoring', pattern: '0 */12 * * *', timezone: 'UTC' },
];
const MAX_PENDING = 3;

const pngOf = (width: number, height: number): Buffer => {
  const png = new PNG({ width, height });
  png.data.fill(200);
  return PNG.sync.write(png);
};

const driftResult = (): DriftReportResult => {
  const summary = { mean: 0.8, std: 0.1, min: 0.4, max: 1, median: 0.82 };
  const window = { kind: 'log' as const, description: 'prediction log', from: '2026-11-20T00:00:00.000Z', to: '2026-11-27T00:00:00.000Z', rows: 400 };
  return {
    model: 'sentiment-lite',
    reference: window,
    current: { ...window, from: '2026-11-27T00:00:00.000Z', to: '2026-11-27T12:00:00.000Z', rows: 120 },
    features: [
      { feature: 'confidence', kind: 'numeric', test: 'ks', status: 'ok', score: 0.001, threshold: 0.05, drifted: true, psi: 0.4, referenceRows: 400, currentRows: 120, summary: { reference: summary, current: summary } },
    ],
    dataset: { status: 'ok', drifted: false, driftedFeatures: 1, evaluatedFeatures: 6, share: 1 / 6, threshold: 0.5 },
    performance: [],
    estimatedAccuracy: { method: 'calibrated_confidence', status: 'unavailable', reason: 'no calibration run', calibration: null, reference: null, current: null, delta: null, threshold: 0.1, meanConfidence: { reference: 0.8, current: 0.6 } },
    webhook: { status: 'not_configured', attempts: 0, lastError: null },
  };
};

// In-process gateway, real Redis (own prefix) and Postgres (own database), no worker: rows are seeded
// through the repositories and the schedulers registered as a worker start would.
describe('monitoring API (schedules, drift and comparison reports)', () => {
  const prefix = uniquePrefix('monitoring');
  let database: TestDatabase;
  let pool: Pool;
  let connection: Redis;
  let queue: Queue;
  let manager: ScheduleManager;
  let driftReports: DriftReportRepository;
  let comparisons: ComparisonReportRepository;
  let gateway: RunningGateway;
  const ids = { driftDone: randomUUID(), driftOld: randomUUID(), driftQueued: randomUUID(), comparisonDone: randomUUID(), comparisonFailed: randomUUID() };
  const png = pngOf(4, 3);

  const setCreatedAt = (table: string, id: string, iso: string) => pool.query(`UPDATE ${table} SET created_at = $2 WHERE id = $1`, [id, iso]);
  const pendingJobs = () => queue.getJobs(['waiting', 'prioritized', 'delayed']);
  const fetchBinary = async (path: string) => {
    const response = await fetch(`${gateway.url}${path}`, { headers: { 'X-API-Key': TEST_KEYS.operator } });
    return { status: response.status, type: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
  };

  beforeAll(async () => {
    database = await createTestDatabase('monitoring');
    await migrateDatabase(database.url);
    pool = createPgPool({ url: database.url, applicationName: 'monitoring-spec' });
    driftReports = new DriftReportRepository(pool);
    comparisons = new ComparisonReportRepository(pool);
    connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(MonitoringQueueName, { connection, prefix: `${prefix}:bull` });
    manager = new ScheduleManager(queue, new ScheduleRepository(pool));
    await manager.register(DEFINITIONS);

    await driftReports.create({ id: ids.driftOld, trigger: 'schedule', requestedBy: null, parameters: {} });
    await driftReports.complete(ids.driftOld, { parameters: {}, result: driftResult(), markdown: '# old report', png, alerts: [] });
    await driftReports.create({ id: ids.driftDone, trigger: 'manual', requestedBy: 'e2e-operator', parameters: {} });
    await driftReports.complete(ids.driftDone, {
      parameters: { model: 'sentiment-lite' },
      result: driftResult(),
      markdown: '# Drift report\n\nconfidence drifted — KS p = 0.001\n',
      png,
      alerts: [
        { type: 'CONFIDENCE_DRIFT', severity: 'CRITICAL', feature: 'confidence', message: 'confidence drifted', threshold: 0.05, actualValue: 0.001 },
        { type: 'LABEL_DRIFT', severity: 'WARNING', feature: 'predicted_label', message: 'label mix changed', threshold: 0.1, actualValue: 0.12 },
      ],
    });
    await driftReports.create({ id: ids.driftQueued, trigger: 'schedule', requestedBy: null, parameters: {} });
    await setCreatedAt('drift_reports', ids.driftOld, '2026-11-01T00:00:00Z');
    await setCreatedAt('drift_reports', ids.driftDone, '2026-11-02T00:00:00Z');
    await setCreatedAt('drift_reports', ids.driftQueued, '2026-11-03T00:00:00Z');

    const target = { role: 'production' as const, model: null, dataset: 'tweet_eval', split: 'test', samples: 100 };
    await comparisons.start({ id: ids.comparisonDone, trigger: 'schedule', requestedBy: null, targets: [target], runIds: [randomUUID()] });
    await comparisons.complete(ids.comparisonDone, { entries: [], deltas: [], partial: false, markdown: '# Comparison\n', png });
    await comparisons.start({ id: ids.comparisonFailed, trigger: 'schedule', requestedBy: null, targets: [target], runIds: [randomUUID()] });
    await comparisons.fail(ids.comparisonFailed, 'child evaluation failed');
    await setCreatedAt('comparison_reports', ids.comparisonDone, '2026-11-01T00:00:00Z');
    await setCreatedAt('comparison_reports', ids.comparisonFailed, '2026-11-02T00:00:00Z');

    gateway = await startGateway(
      {
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        DATABASE_URL: database.url,
        API_KEYS: TEST_API_KEYS,
        RATE_LIMIT_PER_KEY_PER_MINUTE: '0',
        RATE_LIMIT_PER_IP_PER_MINUTE: '0',
        MONITORING_MAX_PENDING: String(MAX_PENDING),
      },
      { apiKey: TEST_KEYS.operator },
    );
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    connection?.disconnect();
    await pool?.end();
    await database?.drop();
    await deleteKeys(prefix);
  });

  afterEach(async () => {
    // Manual runs of one test must not count against the pending limit of the next.
    await queue.drain();
  });

  it('refuses every route to a predict key (403) and to no key (401); PATCH needs admin', async () => {
    const report = `/api/v1/drift/reports/${ids.driftDone}`;
    const routes: [string, string, string?][] = [
      ['GET', '/api/v1/schedules'],
      ['PATCH', '/api/v1/schedules/drift-monitoring', '{"enabled":true}'],
      ['POST', '/api/v1/schedules/drift-monitoring/run'],
      ['POST', '/api/v1/drift/run', '{}'],
      ['GET', '/api/v1/drift/reports'],
      ['GET', report],
      ['GET', `${report}.md`],
      ['GET', `${report}.png`],
      ['GET', '/api/v1/drift/alerts'],
      ['GET', '/api/v1/comparisons'],
      ['GET', `/api/v1/comparisons/${ids.comparisonDone}`],
      ['GET', `/api/v1/comparisons/${ids.comparisonDone}.md`],
      ['GET', `/api/v1/comparisons/${ids.comparisonDone}.png`],
    ];
    for (const [method, path, body] of routes) {
      const init = { body, headers: { 'content-type': 'application/json' } };
      expect([method, path, (await gateway.request(method, path, { ...init, headers: { ...init.headers, 'X-API-Key': TEST_KEYS.predict } })).status]).toEqual([method, path, 403]);
      expect([method, path, (await gateway.request(method, path, { ...init, headers: { ...init.headers, 'X-API-Key': '' } })).status]).toEqual([method, path, 401]);
    }
    const patch = await gateway.request('PATCH', '/api/v1/schedules/drift-monitoring', { body: '{"enabled":false}', headers: { 'content-type': 'application/json' } });
    expect(patch.status).toBe(403);
    expect((await queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual(['drift-monitoring', 'model-evaluation']);
    expect(await pendingJobs()).toHaveLength(2); // the schedulers' next runs, nothing added
  });

  it('lists the schedules with effective pattern, next run and the latest report as last run', async () => {
    const { status, body } = await gateway.get('/api/v1/schedules');
    expect(status).toBe(200);
    expect(body.map((s: { id: string }) => s.id)).toEqual(['drift-monitoring', 'model-evaluation']);
    const [drift, evaluation] = body;
    expect(drift).toMatchObject({
      pattern: '0 */12 * * *',
      timezone: 'UTC',
      enabled: true,
      configured: { pattern: '0 */12 * * *', timezone: 'UTC' },
      overridden: { pattern: false, timezone: false },
      lastRun: { reportId: ids.driftQueued, status: 'queued', finishedAt: null },
    });
    expect(drift.description).toMatch(/prediction log/);
    expect(Date.parse(drift.nextRunAt)).toBeGreaterThan(Date.now());
    expect(evaluation.lastRun).toMatchObject({ reportId: ids.comparisonFailed, status: 'failed' });
  });

  it('pauses a schedule (scheduler removed), overrides and resumes it (scheduler back), naming invalid fields', async () => {
    const admin = { 'X-API-Key': TEST_KEYS.admin, 'content-type': 'application/json' };
    const patch = (id: string, body: unknown) => gateway.request('PATCH', `/api/v1/schedules/${id}`, { body: JSON.stringify(body), headers: admin });

    const paused = await patch('model-evaluation', { enabled: false });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ id: 'model-evaluation', enabled: false, nextRunAt: null, updatedBy: 'e2e-admin' });
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual(['drift-monitoring']);

    const resumed = await patch('model-evaluation', { enabled: true, pattern: '*/15 * * * *', timezone: 'Europe/Rome' });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ enabled: true, pattern: '*/15 * * * *', timezone: 'Europe/Rome', overridden: { pattern: true, timezone: true }, configured: { pattern: '0 * * * *' } });
    expect(await queue.getJobScheduler('model-evaluation')).toMatchObject({ pattern: '*/15 * * * *', tz: 'Europe/Rome' });
    const reset = await patch('model-evaluation', { pattern: null, timezone: null });
    expect(reset.body).toMatchObject({ pattern: '0 * * * *', timezone: 'UTC', overridden: { pattern: false, timezone: false } });

    const invalid: [unknown, string][] = [
      [{ pattern: '61 * * * *' }, 'pattern'],
      [{ pattern: 'every hour' }, 'pattern'],
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ enabled: 'yes' }, 'enabled'],
      [{ enabled: true, owner: 'me' }, 'body'],
    ];
    for (const [body, field] of invalid) {
      const response = await patch('drift-monitoring', body);
      expect([body, response.status]).toEqual([body, 422]);
      expect(response.body.detail.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect(await queue.getJobScheduler('drift-monitoring')).toMatchObject({ pattern: '0 */12 * * *', tz: 'UTC' });

    const unknown = await patch('nightly', { enabled: false });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/model-evaluation, drift-monitoring/);
    // Known but not registered by a worker: the gateway never creates schedule rows.
    await pool.query(`DELETE FROM schedules WHERE id = 'drift-monitoring'`);
    try {
      const unregistered = await patch('drift-monitoring', { enabled: false });
      expect(unregistered.status).toBe(404);
      expect(unregistered.body.message).toMatch(/not registered by any worker yet/);
      expect((await gateway.get('/api/v1/schedules')).body.map((s: { id: string }) => s.id)).toEqual(['model-evaluation']);
    } finally {
      await manager.register(DEFINITIONS);
    }
  });

  it('runs a schedule by API: exactly one job, the report id as job id, the report row queued', async () => {
    const before = await pendingJobs();
    const evaluation = await gateway.post('/api/v1/schedules/model-evaluation/run', '');
    expect(evaluation.status).toBe(202);
    const { reportId } = evaluation.body;
    expect(evaluation.body).toEqual({ schedule: 'model-evaluation', jobId: reportId, reportId, reportUrl: `/api/v1/comparisons/${reportId}` });
    const added = (await pendingJobs()).filter((job) => !before.some((b) => b.id === job.id));
    expect(added.map((job) => [job.id, job.name, job.data])).toEqual([[reportId, MonitoringJobName.ModelEvaluation, { trigger: 'manual', reportId, requestedBy: 'e2e-operator' }]]);
    expect(added[0].opts.attempts).toBe(2);
    expect((await gateway.get(`/api/v1/comparisons/${reportId}`)).body).toMatchObject({ id: reportId, status: 'queued', trigger: 'manual', requestedBy: 'e2e-operator' });

    const drift = await gateway.post('/api/v1/schedules/drift-monitoring/run', '');
    expect(drift.status).toBe(202);
    expect(drift.body.reportUrl).toBe(`/api/v1/drift/reports/${drift.body.reportId}`);
    const job = await queue.getJob(drift.body.reportId);
    expect([job?.name, job?.data]).toEqual([MonitoringJobName.DriftMonitoring, { trigger: 'manual', reportId: drift.body.reportId, requestedBy: 'e2e-operator', parameters: {} }]);
    expect((await gateway.get(drift.body.reportUrl)).body).toMatchObject({ status: 'queued', trigger: 'manual', parameters: {}, result: null, alerts: [] });
    expect((await gateway.post('/api/v1/schedules/weekly/run', '')).status).toBe(404);

    // The job UI shows the monitoring queue with the manual jobs and the schedulers' next runs.
    const board = await gateway.get(`/admin/queues/api/queues?activeQueue=${MonitoringQueueName}&status=waiting&page=1`, { 'X-API-Key': TEST_KEYS.admin });
    const listed = (board.body.queues as { name: string; jobs: { id: string }[] }[]).find((q) => q.name === MonitoringQueueName);
    expect(listed?.jobs.map((j) => j.id)).toEqual(expect.arrayContaining([reportId, drift.body.reportId]));
  });

  it('queues a drift run with normalised windows, resolving the dataset name, and refuses bad bodies naming the field', async () => {
    const body = {
      model: 'sentiment-lite',
      reference: { dataset: 'amazon_reviews_multi', split: 'validation', samples: 500 },
      current: { from: '2026-11-28T00:00:00Z', to: '2026-11-29T00:00:00Z' },
    };
    const accepted = await gateway.post('/api/v1/drift/run', body);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ reportId: accepted.body.reportId, jobId: accepted.body.reportId, status: 'queued', statusUrl: `/api/v1/drift/reports/${accepted.body.reportId}` });
    const parameters = {
      model: 'sentiment-lite',
      reference: { kind: 'dataset', dataset: 'mteb/amazon_reviews_multi', split: 'validation', samples: 500, seed: 42 },
      current: { kind: 'log', from: '2026-11-28T00:00:00Z', to: '2026-11-29T00:00:00Z' },
    };
    expect((await queue.getJob(accepted.body.reportId))?.data).toEqual({ trigger: 'manual', reportId: accepted.body.reportId, requestedBy: 'e2e-operator', parameters });
    expect((await gateway.get(accepted.body.statusUrl)).body).toMatchObject({ status: 'queued', parameters });

    // No body at all (curl -X POST): every default.
    const bare = await gateway.request('POST', '/api/v1/drift/run');
    expect(bare.status).toBe(202);
    expect((await queue.getJob(bare.body.reportId))?.data.parameters).toEqual({});

    const logWindow = await gateway.post('/api/v1/drift/run', { reference: { from: '2026-11-01T00:00:00Z', to: '2026-11-08T00:00:00Z' } });
    expect(logWindow.status).toBe(202);
    expect((await queue.getJob(logWindow.body.reportId))?.data.parameters).toEqual({ reference: { kind: 'log', from: '2026-11-01T00:00:00Z', to: '2026-11-08T00:00:00Z' } });

    const invalid: [unknown, RegExp][] = [
      [{ current: { from: '2026-11-29T00:00:00Z', to: '2026-11-28T00:00:00Z' } }, /^current/],
      [{ reference: { from: '2026-11-29T00:00:00Z', to: '2026-11-29T00:00:00Z' } }, /^reference/],
      [{ current: { from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' } }, /^current/],
      [{ reference: { dataset: 'tweet_eval', samples: 10 } }, /^reference/],
      [{ reference: { dataset: 'tweet_eval', samples: 20_001 } }, /^reference/],
      [{ reference: { dataset: 'imdb' } }, /^reference\.dataset$/],
      [{ reference: { dataset: 'tweet_eval', split: 'dev' } }, /^reference\.split$/],
      [{ window: '12h' }, /^body$/],
      [{ current: { from: 'yesterday', to: '2026-11-28T00:00:00Z' } }, /^current/],
    ];
    const pending = (await pendingJobs()).length;
    for (const [bad, field] of invalid) {
      const response = await gateway.post('/api/v1/drift/run', bad);
      expect([bad, response.status]).toEqual([bad, 422]);
      expect([bad, response.body.detail.map((d: { field: string }) => d.field)]).toEqual([bad, expect.arrayContaining([expect.stringMatching(field)])]);
    }
    expect(await pendingJobs()).toHaveLength(pending);
  });

  it(`refuses a manual run with 429 while ${MAX_PENDING} manual runs wait (scheduled jobs not counted)`, async () => {
    const reportsBefore = (await gateway.get('/api/v1/drift/reports')).body.total;
    for (let i = 0; i < MAX_PENDING; i++) {
      const path = i % 2 === 0 ? '/api/v1/drift/run' : '/api/v1/schedules/model-evaluation/run';
      expect((await gateway.post(path, i % 2 === 0 ? {} : '')).status).toBe(202);
    }
    for (const [path, body] of [
      ['/api/v1/drift/run', {}],
      ['/api/v1/schedules/drift-monitoring/run', ''],
    ] as const) {
      const refused = await gateway.post(path, body);
      expect(refused.status).toBe(429);
      expect(refused.body.message).toMatch(/MONITORING_MAX_PENDING/);
    }
    // Refused runs leave no report behind; the schedulers' own pending jobs are still there.
    expect((await gateway.get('/api/v1/drift/reports')).body.total).toBe(reportsBefore + 2);
    expect((await pendingJobs()).filter((job) => job.data.trigger === 'schedule')).toHaveLength(2);
    // A worker taking the jobs frees the room.
    await queue.drain();
    expect((await gateway.post('/api/v1/drift/run', {})).status).toBe(202);
  });

  it('serves drift reports as JSON, Markdown and PNG, with pagination, filters, 404, 409 and 422', async () => {
    const report = await gateway.get(`/api/v1/drift/reports/${ids.driftDone}`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ id: ids.driftDone, status: 'completed', parameters: { model: 'sentiment-lite' }, result: { model: 'sentiment-lite', dataset: { drifted: false } } });
    expect(report.body.alerts.map((a: { severity: string }) => a.severity)).toEqual(['CRITICAL', 'WARNING']);

    const markdown = await gateway.get(`/api/v1/drift/reports/${ids.driftDone}.md`);
    expect([markdown.status, markdown.headers.get('content-type')]).toEqual([200, 'text/markdown; charset=utf-8']);
    expect(markdown.text).toBe('# Drift report\n\nconfidence drifted — KS p = 0.001\n');
    const image = await fetchBinary(`/api/v1/drift/reports/${ids.driftDone}.png`);
    expect([image.status, image.type]).toEqual([200, 'image/png']);
    expect(image.body.equals(png)).toBe(true);
    expect(PNG.sync.read(image.body)).toMatchObject({ width: 4, height: 3 });

    for (const suffix of ['.md', '.png']) {
      const notYet = await gateway.get(`/api/v1/drift/reports/${ids.driftQueued}${suffix}`);
      expect([suffix, notYet.status]).toEqual([suffix, 409]);
      expect(notYet.body.message).toMatch(/is queued/);
      expect((await gateway.get(`/api/v1/drift/reports/${randomUUID()}${suffix}`)).status).toBe(404);
      const bad = await gateway.get(`/api/v1/drift/reports/not-a-uuid${suffix}`);
      expect([bad.status, bad.body.detail[0].field]).toEqual([422, 'id']);
    }
    expect((await gateway.get(`/api/v1/drift/reports/${randomUUID()}`)).status).toBe(404);
    expect((await gateway.get('/api/v1/drift/reports/not-a-uuid')).body.detail[0].field).toBe('id');

    const page = await gateway.get('/api/v1/drift/reports?status=completed&limit=1&offset=1');
    expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.body.items.map((r: { id: string }) => r.id)).toEqual([ids.driftOld]);
    const first = await gateway.get('/api/v1/drift/reports?status=completed&limit=1');
    expect(first.body.items.map((r: { id: string }) => r.id)).toEqual([ids.driftDone]);
    for (const query of ['limit=0', 'limit=101', 'limit=1.5', 'offset=-1', 'status=done']) {
      const response = await gateway.get(`/api/v1/drift/reports?${query}`);
      expect([query, response.status, response.body.detail[0].field]).toEqual([query, 422, query.split('=')[0]]);
    }

    const alerts = await gateway.get('/api/v1/drift/alerts?severity=WARNING');
    expect(alerts.body).toMatchObject({ total: 1, limit: 20, offset: 0, items: [{ reportId: ids.driftDone, type: 'LABEL_DRIFT', feature: 'predicted_label' }] });
    expect((await gateway.get('/api/v1/drift/alerts?limit=1&offset=1')).body).toMatchObject({ total: 2, items: [{ reportId: ids.driftDone }] });
    expect((await gateway.get('/api/v1/drift/alerts?severity=INFO')).body.detail[0].field).toBe('severity');
  });

  it('serves comparison reports as JSON, Markdown and PNG; a failed one has no rendering (409 with its error)', async () => {
    const list = await gateway.get('/api/v1/comparisons?status=completed');
    expect(list.body).toMatchObject({ total: 1, items: [{ id: ids.comparisonDone, status: 'completed', partial: false }] });
    expect((await gateway.get(`/api/v1/comparisons/${ids.comparisonDone}`)).body).toMatchObject({ id: ids.comparisonDone, targets: [{ role: 'production', dataset: 'tweet_eval' }] });
    const markdown = await gateway.get(`/api/v1/comparisons/${ids.comparisonDone}.md`);
    expect([markdown.status, markdown.headers.get('content-type'), markdown.text]).toEqual([200, 'text/markdown; charset=utf-8', '# Comparison\n']);
    const image = await fetchBinary(`/api/v1/comparisons/${ids.comparisonDone}.png`);
    expect([image.status, image.type, image.body.equals(png)]).toEqual([200, 'image/png', true]);
    const failed = await gateway.get(`/api/v1/comparisons/${ids.comparisonFailed}.png`);
    expect([failed.status, failed.body.message]).toEqual([409, expect.stringMatching(/failed \(child evaluation failed\)/)]);
    expect((await gateway.get(`/api/v1/comparisons/${randomUUID()}.md`)).status).toBe(404);
    expect((await gateway.get('/api/v1/comparisons/123.md')).body.detail[0].field).toBe('id');
    expect((await gateway.get('/api/v1/comparisons?offset=x')).body.detail[0].field).toBe('offset');
  });

  it('documents the routes and their schemas in the OpenAPI document', async () => {
    const { body } = await gateway.get('/docs-json');
    for (const path of ['/api/v1/schedules', '/api/v1/schedules/{id}', '/api/v1/schedules/{id}/run', '/api/v1/drift/run', '/api/v1/drift/reports/{id}.md', '/api/v1/drift/alerts', '/api/v1/comparisons/{id}.png']) {
      expect(body.paths[path]).toBeDefined();
    }
    expect(body.paths['/api/v1/drift/reports/{id}'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/DriftReportDto');
    expect(Object.keys(body.components.schemas)).toEqual(expect.arrayContaining(['ScheduleViewDto', 'DriftRunRequestDto', 'DriftReportResultDto', 'ComparisonReportDto', 'TimeWindowBodyDto', 'DatasetReferenceBodyDto']));
  });
});
