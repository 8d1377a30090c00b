import { migrateDatabase } from '@sentiment-ops/persistence';
import { createTestDatabase, deleteKeys, TEST_REDIS_URL, uniquePrefix, type TestDatabase } from '@sentiment-ops/testing';
import { CapturingLogger } from './test/capturing-logger';
import { startGateway, TEST_API_KEYS, TEST_KEYS, type RunningGateway } from './test/gateway-harness';

const APP_ORIGIN = 'https://app.example.com';

// Rate limits, quotas, body limits, CORS and security headers of the real gateway, over the real
// Redis and Postgres (no inference replica: a 422 for an invalid body shows a request got through).
describe('abuse limits and browser protections', () => {
  const prefixes: string[] = [];
  const gateways: RunningGateway[] = [];
  let database: TestDatabase;

  const newPrefix = (label: string) => {
    const prefix = uniquePrefix(label);
    prefixes.push(prefix);
    return prefix;
  };
  const start = async (env: Record<string, string>, logger?: CapturingLogger) => {
    const gateway = await startGateway({ REDIS_URL: TEST_REDIS_URL, DATABASE_URL: database.url, API_KEYS: TEST_API_KEYS, ...env }, { logger });
    gateways.push(gateway);
    return gateway;
  };
  const key = (value: string) => ({ 'X-API-Key': value });

  beforeAll(async () => {
    database = await createTestDatabase('abuse');
    await migrateDatabase(database.url);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await database?.drop();
    await Promise.all(prefixes.map((prefix) => deleteKeys(prefix)));
  });

  describe('rate limits (Redis)', () => {
    it('shares a key limit across two gateway instances and answers 429 with Retry-After and RateLimit-* headers', async () => {
      const prefix = newPrefix('ratelimit-key');
      const a = await start({ REDIS_PREFIX: prefix, RATE_LIMIT_PER_KEY_PER_MINUTE: '5' });
      const b = await start({ REDIS_PREFIX: prefix, RATE_LIMIT_PER_KEY_PER_MINUTE: '5' });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await (i % 2 === 0 ? a : b).post('/api/v1/sentiment', [], key(TEST_KEYS.predict));
        statuses.push(response.status);
        expect(response.headers.get('ratelimit-limit')).toBe('5');
        expect(response.headers.get('ratelimit-remaining')).toBe(String(4 - i));
      }
      expect(statuses).toEqual([422, 422, 422, 422, 422]);

      const limited = await b.post('/api/v1/sentiment', [], key(TEST_KEYS.predict));
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.stringContaining('API key e2e-predict may make 5 requests per minute (RATE_LIMIT_PER_KEY_PER_MINUTE)') });
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers.get('ratelimit-remaining')).toBe('0');
      expect(Number(limited.headers.get('ratelimit-reset'))).toBe(retryAfter);
      expect((await a.post('/api/v1/sentiment', [], key(TEST_KEYS.predict))).status).toBe(429);
      // Another key has its own budget.
      expect((await a.post('/api/v1/sentiment', [], key(TEST_KEYS.operator))).status).toBe(422);
      expect((await a.get('/admin/metrics')).text).toMatch(/http_rate_limited_total\{scope="key"[^}]*\} 1/);
    });

    it('limits callers without a valid key per client IP, but never the probes or /admin/metrics', async () => {
      const prefix = newPrefix('ratelimit-ip');
      const a = await start({ REDIS_PREFIX: prefix, RATE_LIMIT_PER_IP_PER_MINUTE: '3', AUTH_PUBLIC_PREDICT: 'true', HEALTH_TIMEOUT_MS: '200' });
      const b = await start({ REDIS_PREFIX: prefix, RATE_LIMIT_PER_IP_PER_MINUTE: '3', HEALTH_TIMEOUT_MS: '200' });
      expect((await a.post('/api/v1/sentiment', [])).status).toBe(422); // anonymous, public predictions
      expect((await b.get('/')).status).toBe(200); // the web UI
      expect((await b.get('/api/v1/models', key('sk_guessing-keys-is-throttled-too-0123456789'))).status).toBe(401);
      const limited = await a.get('/ui/app.js');
      expect(limited.status).toBe(429);
      expect(limited.body.message).toContain('RATE_LIMIT_PER_IP_PER_MINUTE');
      expect((await b.get('/api/v1/models', key('sk_guessing-keys-is-throttled-too-0123456789'))).status).toBe(429);
      for (const path of ['/live', '/health', '/ready', '/admin/metrics', '/live']) expect((await a.get(path)).status).not.toBe(429);
      // A caller with a key counts against its key, not the address.
      expect((await a.post('/api/v1/sentiment', [], key(TEST_KEYS.predict))).status).toBe(422);
    }, 20_000);

    it('does not limit when the limits are 0', async () => {
      const gateway = await start({ REDIS_PREFIX: newPrefix('ratelimit-off'), RATE_LIMIT_PER_KEY_PER_MINUTE: '0', RATE_LIMIT_PER_IP_PER_MINUTE: '0' });
      const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? gateway.get('/') : gateway.post('/api/v1/sentiment', [], key(TEST_KEYS.predict)))));
      expect(responses.filter((r) => r.status === 429)).toEqual([]);
      expect(responses[0].headers.get('ratelimit-limit')).toBeNull();
    });

    it('fails open with a warning and a metric when Redis is unreachable', async () => {
      const logger = new CapturingLogger();
      const gateway = await start({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_PREFIX: newPrefix('ratelimit-down'), RATE_LIMIT_PER_IP_PER_MINUTE: '1', HEALTH_TIMEOUT_MS: '200' }, logger);
      for (let i = 0; i < 3; i++) expect((await gateway.get('/')).status).toBe(200);
      expect((await gateway.post('/api/v1/sentiment', [], key(TEST_KEYS.predict))).status).toBe(422);
      expect((await gateway.get('/admin/metrics')).text).toMatch(/http_rate_limiter_errors_total\{[^}]*\} 4/);
      const warnings = logger.lines.filter((line) => line.startsWith('warn') && line.includes('rate limiting is not enforced while Redis cannot be reached (failing open)'));
      expect(warnings).toHaveLength(1); // once per 30 s, not once per request
    }, 20_000);
  });

  describe('evaluation quotas per key (Postgres, shared by replicas)', () => {
    it('refuses a third queued evaluation of a key (EVAL_MAX_CONCURRENT_PER_KEY), then the daily one (EVAL_DAILY_PER_KEY) until 00:00 UTC', async () => {
      const prefix = newPrefix('quotas');
      const env = { REDIS_PREFIX: prefix, EVAL_MAX_CONCURRENT_PER_KEY: '2', EVAL_DAILY_PER_KEY: '3' };
      const [a, b] = [await start(env), await start(env)];
      const enqueue = (gateway: RunningGateway, apiKey: string) => gateway.post('/api/v1/evaluate?dataset=tweet_eval&split=test&samples=10', '', key(apiKey));

      const first = await enqueue(a, TEST_KEYS.operator);
      expect(first.status).toBe(202);
      expect((await enqueue(b, TEST_KEYS.operator)).status).toBe(202);
      expect((await a.get(first.body.statusUrl, key(TEST_KEYS.operator))).body.ownerKey).toBe('e2e-operator');

      const concurrent = await enqueue(a, TEST_KEYS.operator);
      expect(concurrent.status).toBe(429);
      expect(concurrent.body.message).toBe(
        'evaluation quota EVAL_MAX_CONCURRENT_PER_KEY reached: API key e2e-operator already has 2 queued or running evaluations (limit 2); retry when one finishes, or cancel one',
      );
      expect(concurrent.headers.get('retry-after')).toBeNull();
      // Each key has its own quota.
      expect((await enqueue(b, TEST_KEYS.admin)).status).toBe(202);

      expect((await b.delete(`/api/v1/evaluations/${first.body.jobId}`, key(TEST_KEYS.operator))).status).toBe(200);
      expect((await enqueue(b, TEST_KEYS.operator)).status).toBe(202); // third today
      expect((await a.delete(`/api/v1/evaluations/${first.body.jobId}`, key(TEST_KEYS.operator))).status).toBe(409);

      const daily = await enqueue(a, TEST_KEYS.operator);
      expect(daily.status).toBe(429);
      expect(daily.body.message).toBe('evaluation quota EVAL_DAILY_PER_KEY reached: API key e2e-operator queued 3 evaluations today (limit 3 per UTC day); it resets at 00:00 UTC');
      const now = new Date();
      const untilMidnight = (Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000;
      expect(Math.abs(Number(daily.headers.get('retry-after')) - untilMidnight)).toBeLessThan(5);
      expect((await a.get('/admin/metrics')).text).toMatch(/evaluation_quota_exceeded_total\{quota="active"[^}]*\} 1/);
    });
  });

  describe('request bodies', () => {
    it('caps the body of every route, before authentication, including admin routes', async () => {
      const gateway = await start({ REDIS_PREFIX: newPrefix('bodies'), HTTP_BODY_LIMIT: '1kb' });
      const big = JSON.stringify({ name: 'x'.repeat(2000), role: 'predict' });
      const keys = await gateway.post('/admin/keys', big, key(TEST_KEYS.admin));
      expect(keys.status).toBe(413);
      expect(keys.body.message).toBe('body: request body exceeds the limit of 1024 bytes');
      expect((await gateway.post('/api/v1/models/fine-tune', big)).status).toBe(413);
      // Not JSON: refused by its declared length, never read.
      const text = await gateway.request('POST', '/api/v1/evaluate', { body: 'x'.repeat(5000), headers: { 'content-type': 'text/plain', ...key(TEST_KEYS.operator) } });
      expect(text.status).toBe(413);
      expect((await gateway.post('/admin/keys', { name: 'fits', role: 'predict' }, key(TEST_KEYS.admin))).status).toBe(201);
    });
  });

  describe('CORS and security headers', () => {
    it('sends no CORS headers by default', async () => {
      const gateway = await start({ REDIS_PREFIX: newPrefix('cors-off') });
      const response = await gateway.get('/live', { Origin: APP_ORIGIN });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await gateway.request('OPTIONS', '/api/v1/sentiment', { headers: { Origin: APP_ORIGIN, 'Access-Control-Request-Method': 'POST' } });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('allows exactly the CORS_ORIGINS, preflight included, and no other origin', async () => {
      const gateway = await start({ REDIS_PREFIX: newPrefix('cors-on'), CORS_ORIGINS: `${APP_ORIGIN},http://localhost:3000` });
      const allowed = await gateway.post('/api/v1/sentiment', [], { Origin: APP_ORIGIN, ...key(TEST_KEYS.predict) });
      expect(allowed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      expect(allowed.headers.get('access-control-expose-headers')).toContain('Retry-After');
      expect(allowed.headers.get('vary')).toContain('Origin');
      expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();

      const preflight = await gateway.request('OPTIONS', '/api/v1/sentiment', { headers: { Origin: APP_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-api-key' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      expect(preflight.headers.get('access-control-allow-headers')).toContain('X-API-Key');
      expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

      for (const origin of ['https://evil.example.com', 'https://app.example.com.evil.com', 'http://app.example.com']) {
        const denied = await gateway.request('OPTIONS', '/api/v1/sentiment', { headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } });
        expect(denied.headers.get('access-control-allow-origin')).toBeNull();
        expect((await gateway.get('/live', { Origin: origin })).headers.get('access-control-allow-origin')).toBeNull();
      }
    });

    it('sends helmet headers on every response, with a CSP that still serves the UI, the dashboard and Swagger UI', async () => {
      const gateway = await start({ REDIS_PREFIX: newPrefix('helmet') });
      const csp = (response: { headers: Headers }) => response.headers.get('content-security-policy') ?? '';
      for (const path of ['/', '/admin/dashboard', '/ui/app.js', '/live', '/api/v1/models', '/docs', '/docs-json']) {
        const response = await gateway.get(path);
        expect({ path, nosniff: response.headers.get('x-content-type-options'), frame: response.headers.get('x-frame-options'), poweredBy: response.headers.get('x-powered-by') }).toEqual({
          path,
          nosniff: 'nosniff',
          frame: 'DENY',
          poweredBy: null,
        });
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
        expect(csp(response)).toContain("default-src 'self'");
        expect(csp(response)).toContain("frame-ancestors 'none'");
        expect(csp(response)).toContain("script-src 'self';");
        expect(csp(response)).not.toContain('upgrade-insecure-requests');
      }
      // Our pages: no inline styles or scripts allowed.
      expect(csp(await gateway.get('/'))).toMatch(/style-src 'self'(;|$)/);
      expect(csp(await gateway.get('/admin/dashboard'))).not.toContain('unsafe-inline');
      // Swagger UI: its page has inline <style> blocks and loads its bundle from /docs/.
      const docs = await gateway.get('/docs');
      expect(docs.status).toBe(200);
      expect(docs.text).toContain('swagger-ui-bundle.js');
      expect(docs.text).not.toMatch(/<script>(?!\s*<\/script>)/); // no inline script, which script-src 'self' would block
      expect(csp(docs)).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp(docs)).toContain("img-src 'self' data:");
      expect((await gateway.get('/docs/swagger-ui-bundle.js')).status).toBe(200);
      expect((await gateway.get('/docs/swagger-ui-init.js')).text).toContain('"validatorUrl": null');
    });
  });
});
