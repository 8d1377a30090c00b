import { QueueName, type EvaluateDatasetJobData } from '@sentiment-ops/contracts';
import { migrateDatabase } from '@sentiment-ops/persistence';
import { createTestDatabase, deleteKeys, TEST_REDIS_URL, uniquePrefix, type TestDatabase } from '@sentiment-ops/testing';
import type { Queue } from 'bullmq';
import { EVALUATION_QUEUE } from './evaluations/evaluation-queue.provider';
import { startGateway, TEST_API_KEYS, TEST_KEYS, type RunningGateway } from './test/gateway-harness';

const directive = (csp: string, name: string): string[] =>
  csp
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .find(([key]) => key === name)
    ?.slice(1) ?? [];

// Bull Board mounted on the real gateway over the real Redis and Postgres.
describe('queue board (/admin/queues)', () => {
  const prefix = uniquePrefix('board');
  let database: TestDatabase;
  let gateway: RunningGateway;
  const admin = { 'X-API-Key': TEST_KEYS.admin };

  beforeAll(async () => {
    database = await createTestDatabase('board');
    await migrateDatabase(database.url);
    gateway = await startGateway({
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      DATABASE_URL: database.url,
      API_KEYS: TEST_API_KEYS,
      RATE_LIMIT_PER_IP_PER_MINUTE: '0',
      RATE_LIMIT_PER_KEY_PER_MINUTE: '0',
    });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
    await deleteKeys(prefix);
  });

  it('answers 401 without a key, for the page, its API and its assets', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/js/does-not-matter.js']) {
      const res = await gateway.get(path);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
  });

  it('answers 401 for a key that was never issued, and 403 for an operator or predict key', async () => {
    expect((await gateway.get('/admin/queues', { 'X-API-Key': 'sk_never-issued-0123456789abcdefghijklmnopqrstuvwxyz' })).status).toBe(401);
    const operator = await gateway.get('/admin/queues', { 'X-API-Key': TEST_KEYS.operator });
    expect(operator.status).toBe(403);
    expect(operator.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    expect((await gateway.get('/admin/queues/api/queues', { Authorization: `Bearer ${TEST_KEYS.predict}` })).status).toBe(403);
    expect((await gateway.request('PUT', '/admin/queues/api/queues/pause', { headers: { 'X-API-Key': TEST_KEYS.operator } })).status).toBe(403);
  });

  it('serves the board page to an admin key (X-API-Key or Authorization: Bearer)', async () => {
    for (const headers of [admin, { Authorization: `Bearer ${TEST_KEYS.admin}` }]) {
      const res = await gateway.get('/admin/queues', headers);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.text).toContain('<base href="/admin/queues/"');
    }
  });

  it('lists the evaluation queue with a job enqueued on it', async () => {
    const queue = gateway.app.get<Queue<EvaluateDatasetJobData>>(EVALUATION_QUEUE);
    const job = await queue.add(QueueName.Evaluation as never, { runId: 'board-e2e' } as unknown as EvaluateDatasetJobData);
    const res = await gateway.get(`/admin/queues/api/queues?activeQueue=${QueueName.Evaluation}&status=latest&page=1`, admin);
    expect(res.status).toBe(200);
    const listed = (res.body.queues as { name: string; counts: Record<string, number>; jobs: { id: string }[] }[]).find((q) => q.name === QueueName.Evaluation);
    expect(listed).toBeDefined();
    expect(listed?.counts.waiting).toBeGreaterThanOrEqual(1);
    expect(listed?.jobs.map((j) => j.id)).toContain(job.id);
  });

  it('sends a CSP that lets the board load its own scripts and styles, and nothing from elsewhere', async () => {
    const page = await gateway.get('/admin/queues', admin);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(directive(csp, 'script-src')).toEqual(["'self'"]);
    expect(directive(csp, 'script-src-attr')).toEqual(["'none'"]);
    expect(directive(csp, 'default-src')).toEqual(["'self'"]);
    expect(directive(csp, 'connect-src')).toEqual(["'self'"]);
    expect(directive(csp, 'style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(page.headers.get('x-frame-options')).toBe('DENY');

    // Every executable script is an external, same-origin file (no inline script the CSP would block);
    // the only inline <script> is the JSON config, which browsers do not execute.
    const scripts = [...page.text.matchAll(/<script\b([^>]*)>/g)].map(([, attrs]) => attrs);
    const sources = scripts.map((attrs) => /\bsrc="([^"]+)"/.exec(attrs)?.[1]).filter((src): src is string => src !== undefined);
    expect(scripts.filter((attrs) => !/\bsrc=/.test(attrs)).every((attrs) => /type="application\/json"/.test(attrs))).toBe(true);
    expect(sources.length).toBeGreaterThan(0);
    const base = new URL('/admin/queues/', gateway.url);
    for (const src of [...sources, ...[...page.text.matchAll(/<link [^>]*href="(static\/[^"]+)"/g)].map(([, href]) => href)]) {
      const url = new URL(src, base);
      expect(url.origin).toBe(new URL(gateway.url).origin);
      const asset = await gateway.get(url.pathname, admin);
      expect(asset.status).toBe(200);
      const kind = src.endsWith('.js') ? /javascript/ : src.endsWith('.css') ? /text\/css/ : /^image\//;
      expect(asset.headers.get('content-type')).toMatch(kind);
    }
  });

  it('keeps the strict CSP (no inline styles) on the other pages', async () => {
    const csp = (await gateway.get('/')).headers.get('content-security-policy') ?? '';
    expect(directive(csp, 'style-src')).toEqual(["'self'"]);
  });
});
