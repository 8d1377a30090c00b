// Response bodies are JSON of many shapes, checked field by field.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { gzipSync } from 'node:zlib';
import { migrateDatabase } from '@sentiment-ops/persistence';
import { createTestDatabase, deleteKeys, TEST_REDIS_URL, uniquePrefix, waitFor, type TestDatabase } from '@sentiment-ops/testing';
import { CapturingLogger } from './test/capturing-logger';
import { startGateway, TEST_API_KEYS, TEST_KEYS, type RunningGateway } from './test/gateway-harness';
import { rawRequest, type RawRequest, type RawResponse } from './test/raw-http';

// Regressions found by the hostile-input fuzz suite: each of these requests used to get a 500, a bare
// status without a body, or no answer at all. No inference replica: every one is refused before it.
describe('malformed requests (fuzz regressions)', () => {
  const prefix = uniquePrefix('malformed');
  const logger = new CapturingLogger();
  let database: TestDatabase;
  let gateway: RunningGateway;
  let port: number;

  beforeAll(async () => {
    database = await createTestDatabase('malformed');
    await migrateDatabase(database.url);
    gateway = await startGateway({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATABASE_URL: database.url, API_KEYS: TEST_API_KEYS, INFERENCE_TIMEOUT_MS: '300' }, { logger });
    port = Number(new URL(gateway.url).port);
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
    await deleteKeys(prefix);
  });

  const predict = (headers: [string, string][], body: string | Buffer): RawRequest => ({ method: 'POST', path: '/api/v1/sentiment', headers: [['X-API-Key', TEST_KEYS.predict], ...headers], body });
  const json: [string, string] = ['Content-Type', 'application/json'];

  const expectRefusal = (response: RawResponse, status: number, message: string | RegExp) => {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.json).toEqual({ statusCode: status, error: expect.any(String), message: typeof message === 'string' ? message : expect.stringMatching(message), requestId: expect.any(String) });
  };

  describe('request bodies', () => {
    it.each([
      ['a latin1 charset', [['Content-Type', 'application/json; charset=latin1']], '{"text":"ok"}', 415, 'body: unsupported charset "LATIN1"; send JSON as UTF-8'],
      ['an unknown content encoding', [json, ['Content-Encoding', 'x-rot13']], '{"text":"ok"}', 415, 'body: unsupported content encoding "x-rot13"; use gzip, deflate, br or none'],
      ['a corrupt gzip body', [json, ['Content-Encoding', 'gzip']], 'not gzip at all', 400, /^body: not valid gzip data \(.+\)$/],
      ['a truncated gzip body', [json, ['Content-Encoding', 'gzip']], gzipSync('{"text":"ok"}').subarray(0, 12), 400, /^body: not valid gzip data/],
      ['a corrupt brotli body', [json, ['Content-Encoding', 'br']], 'xx', 400, /^body: not valid br data/],
      ['text/plain', [['Content-Type', 'text/plain']], '{"text":"ok"}', 415, 'body: Content-Type must be application/json (got "text/plain")'],
      ['a form', [['Content-Type', 'application/x-www-form-urlencoded']], 'text=ok', 415, 'body: Content-Type must be application/json (got "application/x-www-form-urlencoded")'],
      ['no Content-Type', [], '{"text":"ok"}', 415, 'body: Content-Type must be application/json (none was sent)'],
    ] as [string, [string, string][], string | Buffer, number, string | RegExp][])('refuses %s naming the problem (was a 500 or a confusing 422)', async (_case, headers, body, status, message) => {
      expectRefusal(await rawRequest(port, predict(headers, body)), status, message);
    });

    it('still reads a valid gzip body and a body-less POST', async () => {
      const gzipped = await rawRequest(port, predict([json, ['Content-Encoding', 'gzip']], gzipSync('{"text":""}')));
      expect(gzipped.status).toBe(422);
      expect((gzipped.json as any).detail[0].field).toBe('text');
      const bodyless = await rawRequest(port, { method: 'POST', path: '/api/v1/evaluate?dataset=nope', headers: [['X-API-Key', TEST_KEYS.operator]] });
      expect(bodyless.status).toBe(422);
    });

    it('records a client that hangs up mid-body as a 400, not a logged 500', async () => {
      const request: RawRequest = { method: 'POST', path: '/api/v1/sentiment', headers: [['X-API-Key', TEST_KEYS.predict], json, ['Content-Length', '100']], rawBody: '{"text":', hangUp: true };
      expectRefusal(await rawRequest(port, request), 400, /^malformed HTTP request: .*\(HPE_INVALID_EOF_STATE\)$/);
      await waitFor(() => logger.lines.some((line) => /route=unmatched status=400/.test(line)), { what: 'the access log line' });
      expect(logger.lines.filter((line) => line.startsWith('error'))).toEqual([]);
    });
  });

  describe('requests Node answers before Express', () => {
    it.each([
      ['a control character in a header value', { method: 'GET', path: '/live', headers: [['X-Note', 'a\u0001b']] }, 400, 'malformed HTTP request: Invalid header value char (HPE_INVALID_HEADER_TOKEN)'],
      ['a space in a header name', { method: 'GET', path: '/live', headers: [['X Note', 'b']] }, 400, /^malformed HTTP request: .*\(HPE_INVALID_HEADER_TOKEN\)$/],
      ['an unknown method', { method: 'FOO', path: '/live' }, 400, 'malformed HTTP request: Invalid method encountered (HPE_INVALID_METHOD)'],
      ['a non-numeric Content-Length', { method: 'POST', path: '/api/v1/sentiment', headers: [json, ['Content-Length', 'abc']], rawBody: '{}' }, 400, /^malformed HTTP request: .*\(HPE_INVALID_CONTENT_LENGTH\)$/],
      ['Content-Length with chunked', { method: 'POST', path: '/api/v1/sentiment', headers: [json, ['Content-Length', '2'], ['Transfer-Encoding', 'chunked']], rawBody: '0\r\n\r\n' }, 400, /^malformed HTTP request: /],
      ['a bad chunk size', { method: 'POST', path: '/api/v1/sentiment', headers: [json, ['Transfer-Encoding', 'chunked']], rawBody: 'zz\r\n{}\r\n' }, 400, /^malformed HTTP request: .*\(HPE_INVALID_CHUNK_SIZE\)$/],
      ['20 KB of headers', { method: 'GET', path: '/live', headers: [['X-Big', 'a'.repeat(20_000)]] }, 431, 'request headers exceed 16384 bytes in all'],
      ['no Host header', { method: 'GET', path: '/live', omitHost: true }, 400, 'HTTP/1.1 requests must send a Host header'],
      ['Expect: something', { method: 'GET', path: '/live', headers: [['Expect', 'teapot']] }, 417, 'Expect: "teapot" is not supported (only 100-continue)'],
      ['CONNECT', { method: 'CONNECT', path: 'example.com:443' }, 405, 'CONNECT is not supported: the gateway is not a proxy'],
    ] as [string, RawRequest, number, string | RegExp][])('answers %s with a JSON error (was a bare status or a dropped connection)', async (_case, request, status, message) => {
      const response = await rawRequest(port, request);
      expectRefusal(response, status, message);
      expect(response.headers['x-request-id']).toBe((response.json as any).requestId);
    });

    it('still serves Expect: 100-continue and keeps answering', async () => {
      const response = await rawRequest(port, predict([json, ['Expect', '100-continue']], '{"text":""}'));
      expect(response.status).toBe(422);
      expect((await gateway.get('/live')).status).toBe(200);
    });
  });

  describe('values Postgres cannot store', () => {
    it('refuses NUL in evaluation list filters with a 422 naming the parameter (was a 500)', async () => {
      const response = await rawRequest(port, { method: 'GET', path: '/api/v1/evaluations?model_name=a%00b&dataset=%00&split=ok', headers: [['X-API-Key', TEST_KEYS.operator]] });
      expect(response.status).toBe(422);
      expect((response.json as any).detail.map((d: { field: string }) => d.field)).toEqual(['model_name', 'dataset']);
      expect((response.json as any).detail[0].msg).toBe('must not contain NUL (U+0000)');
    });

    it('refuses NUL in the model of an evaluation with a 422 naming it', async () => {
      const response = await rawRequest(port, { method: 'POST', path: '/api/v1/evaluate?model_name=a%00', headers: [['X-API-Key', TEST_KEYS.operator]] });
      expect(response.status).toBe(422);
      expect((response.json as any).detail[0].field).toBe('model_name');
    });

    it('refuses a key name that no key can have when revoking (was a 500 for NUL)', async () => {
      const response = await rawRequest(port, { method: 'DELETE', path: '/admin/keys/a%00b', headers: [['X-API-Key', TEST_KEYS.admin]] });
      expect(response.status).toBe(422);
      expect((response.json as any).detail[0].field).toBe('name');
    });
  });
});
