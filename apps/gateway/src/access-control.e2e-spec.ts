import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { migrateDatabase } from '@sentiment-ops/persistence';
import { createTestDatabase, deleteKeys, TEST_REDIS_URL, uniquePrefix, waitFor, type TestDatabase } from '@sentiment-ops/testing';
import { GATEWAY_CONTROLLERS } from './app.module';
import { describeAccess } from './auth/access.decorators';
import { describeRoutes } from './auth/route-access';
import { CapturingLogger } from './test/capturing-logger';
import { startGateway, TEST_API_KEYS, TEST_KEYS, type RunningGateway } from './test/gateway-harness';

const METRICS_TOKEN = 'metrics-token-0123456789abcdefghijklmnopqrstuv';
const NOT_A_KEY = 'sk_this-key-was-never-issued-0123456789abcdefghij';

// The real gateway in-process over the real Redis and Postgres (no inference replica: every check
// here happens before a request reaches the model; a 422 for a deliberately invalid body proves the
// caller got through).
describe('access control (API keys, roles, key management, metrics token)', () => {
  const prefix = uniquePrefix('access');
  const logger = new CapturingLogger();
  const gateways: RunningGateway[] = [];
  let database: TestDatabase;
  let gateway: RunningGateway;

  // Rate limits have their own spec; here they would only get in the way of many quick requests.
  const env = (extra: Record<string, string> = {}) => ({
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    DATABASE_URL: database.url,
    API_KEYS: TEST_API_KEYS,
    HEALTH_TIMEOUT_MS: '200',
    READY_CACHE_MS: '0',
    RATE_LIMIT_PER_IP_PER_MINUTE: '0',
    RATE_LIMIT_PER_KEY_PER_MINUTE: '0',
    ...extra,
  });
  const start = async (extra: Record<string, string> = {}, capture?: CapturingLogger) => {
    const started = await startGateway(env(extra), { logger: capture });
    gateways.push(started);
    return started;
  };
  const key = (value: string | undefined): Record<string, string> => (value ? { 'X-API-Key': value } : {});

  beforeAll(async () => {
    database = await createTestDatabase('access');
    await migrateDatabase(database.url);
    gateway = await start({}, logger);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await database?.drop();
    await deleteKeys(prefix);
  });

  describe('every route answers by the access level it declares', () => {
    const callers = { none: undefined, invalid: NOT_A_KEY, predict: TEST_KEYS.predict, operator: TEST_KEYS.operator, admin: TEST_KEYS.admin };
    const rank = ['predict', 'operator', 'admin'];
    // Concrete paths that change nothing when the caller gets through (404 or 422 instead).
    const concrete = (path: string) =>
      path
        .replace(':id', randomUUID())
        .replace(':name', 'no-such-thing')
        .replace(':file', 'app.js')
        .replace(/^\/api\/v1\/evaluate$/, '/api/v1/evaluate?samples=0');
    const routes = describeRoutes(GATEWAY_CONTROLLERS).filter((route) => route.access?.kind !== 'metrics-token');

    it.each(routes.map((route) => [`${route.method} ${route.path}`, route.access ? describeAccess(route.access) : 'NONE', route] as const))('%s (%s)', async (_name, _level, route) => {
      const expected: Record<string, string> = {};
      const actual: Record<string, string> = {};
      for (const [caller, value] of Object.entries(callers)) {
        const response = await gateway.request(route.method, concrete(route.path), { body: route.method === 'POST' ? '[]' : undefined, headers: { 'content-type': 'application/json', ...key(value) } });
        const access = route.access;
        const refused = response.status === 401 ? `401 ${response.headers.get('www-authenticate')}` : response.status === 403 ? '403' : 'through';
        actual[caller] = refused;
        if (access?.kind !== 'role') expected[caller] = 'through';
        else if (caller === 'none' || caller === 'invalid') expected[caller] = '401 Bearer realm="sentiment-ops"';
        else expected[caller] = rank.indexOf(caller) >= rank.indexOf(access.role) ? 'through' : '403';
      }
      expect(actual).toEqual(expected);
    });
  });

  it('answers 401 in the error shape, naming the problem', async () => {
    const missing = await gateway.post('/api/v1/sentiment', { text: 'hi' });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('missing API key'), requestId: expect.any(String) });
    expect(missing.body.message).toContain('Authorization: Bearer <key> or X-API-Key: <key>');
    const invalid = await gateway.post('/api/v1/sentiment', { text: 'hi' }, { Authorization: `Bearer ${NOT_A_KEY}` });
    expect(invalid.status).toBe(401);
    expect(invalid.body.message).toContain('invalid or revoked API key');
  });

  it('accepts a key as Authorization: Bearer or as X-API-Key, and nothing else', async () => {
    expect((await gateway.post('/api/v1/sentiment', [], { Authorization: `Bearer ${TEST_KEYS.predict}` })).status).toBe(422);
    expect((await gateway.post('/api/v1/sentiment', [], { authorization: `bearer ${TEST_KEYS.predict}` })).status).toBe(422);
    expect((await gateway.post('/api/v1/sentiment', [], { 'X-API-Key': TEST_KEYS.predict })).status).toBe(422);
    expect((await gateway.post('/api/v1/sentiment', [], { Authorization: `Basic ${Buffer.from(`u:${TEST_KEYS.predict}`).toString('base64')}` })).status).toBe(401);
    expect((await gateway.get(`/api/v1/models?api_key=${TEST_KEYS.operator}`)).status).toBe(401);
  });

  it('answers 403 naming the key, its role and the role needed', async () => {
    const response = await gateway.get('/api/v1/evaluations', key(TEST_KEYS.predict));
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: 'API key e2e-predict has role predict; this endpoint needs role operator' });
  });

  it('issues keys that work at once, lists them without secrets, and revokes them on every replica', async () => {
    const other = await start({ API_KEY_CACHE_MS: '300' });
    const created = await gateway.post('/admin/keys', { name: 'ci-pipeline', role: 'operator' }, key(TEST_KEYS.admin));
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ name: 'ci-pipeline', role: 'operator', source: 'database', createdAt: expect.any(String), revokedAt: null, lastUsedAt: null, key: expect.stringMatching(/^sk_[A-Za-z0-9_-]{43}$/) });
    const issued: string = created.body.key;

    expect((await gateway.get('/api/v1/models', key(issued))).status).toBe(200);
    expect((await other.get('/api/v1/models', { Authorization: `Bearer ${issued}` })).status).toBe(200);
    expect((await other.get('/admin/keys', key(issued))).status).toBe(403);

    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const rows = JSON.stringify((await client.query('SELECT * FROM api_keys')).rows);
      expect(rows).not.toContain(issued);
      expect(rows).not.toContain(issued.slice(3));
    } finally {
      await client.end();
    }

    const listing = await gateway.get('/admin/keys', key(TEST_KEYS.admin));
    expect(listing.status).toBe(200);
    expect(listing.body.map((k: { name: string; source: string }) => `${k.name}:${k.source}`)).toEqual(['e2e-admin:env', 'e2e-operator:env', 'e2e-predict:env', 'ci-pipeline:database']);
    expect(listing.body.find((k: { name: string }) => k.name === 'ci-pipeline').lastUsedAt).toEqual(expect.any(String));
    for (const secret of [issued, ...Object.values(TEST_KEYS)]) expect(listing.text).not.toContain(secret);
    expect(listing.text).not.toMatch(/hash|"key"/i);

    const duplicate = await gateway.post('/admin/keys', { name: 'ci-pipeline', role: 'predict' }, key(TEST_KEYS.admin));
    expect(duplicate).toMatchObject({ status: 409, body: { message: expect.stringContaining('ci-pipeline already exists') } });
    expect((await gateway.post('/admin/keys', { name: 'e2e-predict', role: 'predict' }, key(TEST_KEYS.admin))).status).toBe(409);
    const invalid = await gateway.post('/admin/keys', { name: 'no spaces', role: 'root' }, key(TEST_KEYS.admin));
    expect(invalid.status).toBe(422);
    expect(invalid.body.detail.map((d: { field: string }) => d.field).sort()).toEqual(['name', 'role']);

    const revoked = await gateway.delete('/admin/keys/ci-pipeline', key(TEST_KEYS.admin));
    expect(revoked.status).toBe(204);
    // The replica that revoked refuses at once; the other one within API_KEY_CACHE_MS.
    expect((await gateway.get('/api/v1/models', key(issued))).status).toBe(401);
    const started = Date.now();
    await waitFor(async () => (await other.get('/api/v1/models', key(issued))).status === 401, { timeoutMs: 3_000, intervalMs: 50, what: 'the other replica to refuse the revoked key' });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect((await gateway.get('/admin/keys', key(TEST_KEYS.admin))).body.find((k: { name: string }) => k.name === 'ci-pipeline').revokedAt).toEqual(expect.any(String));
    expect((await gateway.delete('/admin/keys/ci-pipeline', key(TEST_KEYS.admin))).status).toBe(404);
    // The name is free again.
    expect((await gateway.post('/admin/keys', { name: 'ci-pipeline', role: 'predict' }, key(TEST_KEYS.admin))).status).toBe(201);
  });

  it('refuses to revoke an API_KEYS key through the API (409, with what to do instead)', async () => {
    const response = await gateway.delete('/admin/keys/e2e-operator', key(TEST_KEYS.admin));
    expect(response.status).toBe(409);
    expect(response.body.message).toBe('API key e2e-operator comes from API_KEYS and cannot be revoked through the API: remove it from API_KEYS and redeploy');
    expect((await gateway.get('/api/v1/models', key(TEST_KEYS.operator))).status).toBe(200);
  });

  it('opens only the prediction endpoints to callers without a key when AUTH_PUBLIC_PREDICT=true', async () => {
    const open = await start({ AUTH_PUBLIC_PREDICT: 'true' });
    expect((await open.post('/api/v1/sentiment', [])).status).toBe(422);
    expect((await open.post('/api/v1/sentiment/batch', [])).status).toBe(422);
    expect((await open.post('/api/v1/sentiment', [], key(TEST_KEYS.predict))).status).toBe(422);
    // A wrong key is still an error, not a silent downgrade to anonymous.
    expect((await open.post('/api/v1/sentiment', [], key(NOT_A_KEY))).status).toBe(401);
    expect((await open.get('/api/v1/evaluations')).status).toBe(401);
    expect((await open.get('/api/v1/models')).status).toBe(401);
    expect((await open.get('/admin/keys')).status).toBe(401);
  });

  it('protects /admin/metrics with METRICS_TOKEN when it is set, and leaves it open otherwise', async () => {
    expect((await gateway.get('/admin/metrics')).status).toBe(200);
    const guarded = await start({ METRICS_TOKEN });
    const missing = await guarded.get('/admin/metrics');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(missing.body.message).toContain('METRICS_TOKEN');
    expect((await guarded.get('/admin/metrics', { Authorization: 'Bearer wrong-token-0123456789abcdefghijklmnop' })).status).toBe(401);
    expect((await guarded.get('/admin/metrics', { Authorization: `Bearer ${TEST_KEYS.admin}` })).status).toBe(401);
    const scraped = await guarded.get('/admin/metrics', { Authorization: `Bearer ${METRICS_TOKEN}` });
    expect(scraped.status).toBe(200);
    expect(scraped.text).toMatch(/http_auth_failures_total\{reason="metrics_token"[^}]*\} 3/);
    // The dashboard reads the same series with an operator key instead.
    const dashboard = await guarded.get('/admin/dashboard/metrics', key(TEST_KEYS.operator));
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).toContain('sentiment_predictions_total');
  });

  it('never logs a key: the access log names the key instead, also on errors', async () => {
    const broken = new CapturingLogger();
    // Postgres unreachable: key lookups and registry reads fail, and failures are logged with detail.
    const noDatabase = await start({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' }, broken);
    const issued = (await gateway.post('/admin/keys', { name: 'log-check', role: 'predict' }, key(TEST_KEYS.admin))).body.key as string;
    const secrets = [...Object.values(TEST_KEYS), issued, NOT_A_KEY];
    await gateway.post('/api/v1/sentiment', [], key(issued));
    await gateway.post('/api/v1/sentiment', [], { Authorization: `Bearer ${TEST_KEYS.predict}` });
    await gateway.get('/api/v1/models', key(NOT_A_KEY));
    await gateway.get('/admin/keys', key(TEST_KEYS.operator));
    expect((await noDatabase.get('/api/v1/models', key(TEST_KEYS.operator))).status).toBe(503);
    expect((await noDatabase.get('/api/v1/models', { Authorization: `Bearer ${issued}` })).status).toBe(503);

    const logs = `${logger.text()}\n${broken.text()}`;
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
      expect(logs).not.toContain(secret.slice(3, 20));
    }
    expect(logger.text()).toMatch(/route=\/api\/v1\/sentiment status=422 key=log-check /);
    expect(logger.text()).toMatch(/route=\/api\/v1\/sentiment status=422 key=e2e-predict /);
    expect(logger.text()).toMatch(/route=\/api\/v1\/models status=401 key=- /);
    expect(logger.text()).toMatch(/route=\/admin\/keys status=403 key=e2e-operator /);
    expect(broken.text()).toMatch(/error .*"status":503/);
    expect(broken.text()).toMatch(/access: API_KEYS 3 \(e2e-admin:admin, e2e-operator:operator, e2e-predict:predict\)/);
  });
});
