// Response bodies are JSON of many shapes, checked field by field; hostile input has control characters.
/* eslint-disable @typescript-eslint/no-explicit-any, no-control-regex */
import fc from 'fast-check';
import { migrateDatabase } from '@sentiment-ops/persistence';
import { createTestDatabase, deleteKeys, ensureTinyModel, startInferenceReplica, TEST_REDIS_URL, uniquePrefix, type InferenceReplica, type TestDatabase } from '@sentiment-ops/testing';
import { SENTIMENT_LIMITS } from '@sentiment-ops/contracts';
import { CapturingLogger } from './test/capturing-logger';
import { startGateway, TEST_API_KEYS, TEST_KEYS, type RunningGateway } from './test/gateway-harness';
import {
  codePoints,
  CONTENT_TYPES,
  credentialValue,
  encodedBody,
  framed,
  type Framing,
  headerName,
  headerValue,
  hostileText,
  isAcceptableText,
  isInvalidHeader,
  requestIdValue,
  textAroundTheLimit,
  urlValue,
  wrongJsonBody,
} from './test/hostile-input';
import { rawRequest, type RawRequest, type RawResponse } from './test/raw-http';

// Property-based fuzzing of the public API over real HTTP (raw TCP, so nothing normalises the abuse
// away): the real gateway, a real inference replica on the tiny fixture model, real Redis and
// Postgres. Never a 5xx, every refusal a JSON 4xx naming the problem, accepted texts predicted.
// A failure prints the fast-check seed and path; rerun with FUZZ_SEED=<seed>.
const SEED = Number(process.env['FUZZ_SEED'] ?? 20_260_601);
const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LABELS = ['negative', 'neutral', 'positive'];

describe('hostile input: fuzzing the public API', () => {
  const prefix = uniquePrefix('hostile');
  const logger = new CapturingLogger();
  const histogram = new Map<string, number>();
  let sent = 0;
  let replica: InferenceReplica;
  let gateway: RunningGateway;
  let database: TestDatabase;
  let port: number;

  beforeAll(async () => {
    database = await createTestDatabase('hostile');
    await migrateDatabase(database.url);
    const model = await ensureTinyModel();
    replica = await startInferenceReplica({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, MODEL_ID: model, HF_HUB_OFFLINE: '1', INTRA_OP_THREADS: '1' });
    gateway = await startGateway(
      { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATABASE_URL: database.url, API_KEYS: TEST_API_KEYS, INFERENCE_TIMEOUT_MS: '20000', RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000', RATE_LIMIT_PER_IP_PER_MINUTE: '1000000' },
      { logger },
    );
    port = Number(new URL(gateway.url).port);
  }, 120_000);

  afterAll(async () => {
    const statuses = [...histogram.entries()].sort(([a], [b]) => a.localeCompare(b));
    console.log(`hostile input (FUZZ_SEED=${SEED}): ${sent} requests; statuses ${statuses.map(([status, count]) => `${status}×${count}`).join(' ')}`);
    await gateway?.close();
    await replica?.stop();
    await database?.drop();
    await deleteKeys(prefix);
  });

  const send = async (request: RawRequest): Promise<RawResponse> => {
    sent++;
    const response = await rawRequest(port, request);
    histogram.set(String(response.status), (histogram.get(String(response.status)) ?? 0) + 1);
    return response;
  };

  const keyed = (key: string, headers: [string, string][] = []): [string, string][] => [['X-API-Key', key], ...headers];
  const postJson = (path: string, body: string | Buffer, key: string = TEST_KEYS.predict) => send({ method: 'POST', path, headers: keyed(key, [['Content-Type', 'application/json']]), body });

  /** Runs one property with the suite's seed; a failure says how to replay it. */
  const check = async <T>(name: string, arbitrary: fc.Arbitrary<T>, numRuns: number, predicate: (value: T) => Promise<void>) => {
    try {
      await fc.assert(fc.asyncProperty(arbitrary, predicate), { seed: SEED, numRuns, endOnFailure: true });
    } catch (error) {
      const cause = (error as Error & { cause?: unknown }).cause;
      throw new Error(`${name}: rerun with FUZZ_SEED=${SEED}\n${(error as Error).message}${cause instanceof Error ? `\n${cause.message}` : ''}`);
    }
    expect((await send({ method: 'GET', path: '/live' })).status).toBe(200);
  };

  /** Any answer: below 500; a refusal is the JSON error shape, and a 422 names each field. */
  const expectWellFormed = (response: RawResponse, fields = /.+/) => {
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(500);
    if (response.status < 400) return;
    const body = response.json as any;
    expect(response.headers['content-type']).toContain('application/json');
    expect(body).toMatchObject({ statusCode: response.status, message: expect.stringMatching(/\S/), requestId: expect.any(String) });
    if (response.status === 422) {
      expect(body.detail.length).toBeGreaterThan(0);
      for (const detail of body.detail) {
        expect(detail.field).toMatch(fields);
        expect(detail.msg).toMatch(/\S/);
      }
      expect(body.message).toContain(`${body.detail[0].field}: `);
    }
  };

  const expectRefusal = (response: RawResponse, status: number, message: RegExp) => {
    expect({ status: response.status, message: (response.json as any)?.message }).toEqual({ status, message: expect.stringMatching(message) });
    expectWellFormed(response);
  };

  const expectPredictions = (results: any[], texts: string[]) => {
    expect(results.map((result) => result.text)).toEqual(texts);
    for (const result of results) {
      expect(LABELS).toContain(result.sentiment);
      const probabilities = LABELS.map((label) => result.probabilities[label] as number);
      expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(result.confidence).toBe(Math.max(...probabilities));
    }
  };

  const fieldsOf = (response: RawResponse): string[] => ((response.json as any)?.detail ?? []).map((detail: { field: string }) => detail.field);

  /** What the gateway must answer for one text: a prediction, or 422 naming `field`. */
  const expectTextOutcome = (response: RawResponse, text: string, field: string, result: () => any) => {
    expectWellFormed(response, /^(text|texts(\[\d+\])?)$/);
    if (isAcceptableText(text)) {
      expect(response.status).toBe(200);
      expectPredictions([result()], [text]);
    } else {
      expect(response.status).toBe(422);
      expect(fieldsOf(response)).toEqual([field]);
      const length = codePoints(text);
      expect((response.json as any).detail[0].msg).toMatch(length === 0 ? /at least 1/ : length > SENTIMENT_LIMITS.maxTextCodePoints ? /at most 1024 Unicode code points/ : /blank/);
    }
  };

  describe('texts (arbitrary Unicode)', () => {
    it('predicts or refuses (422 naming text) any short text: astral, combining, bidi, zero-width, NUL, lone surrogates', async () => {
      await check('single text', hostileText(12), 700, async (text) => {
        const response = await postJson('/api/v1/sentiment', JSON.stringify({ text }));
        expectTextOutcome(response, text, 'text', () => response.json);
      });
    }, 120_000);

    it('counts the limit in code points, not UTF-16 units', async () => {
      await check('text around the limit', textAroundTheLimit, 250, async (text) => {
        const response = await postJson('/api/v1/sentiment', JSON.stringify({ text }));
        expectTextOutcome(response, text, 'text', () => response.json);
      });
    }, 120_000);

    it('answers a batch around its size limit in order, or names every offending item', async () => {
      const batch = fc.constantFrom(0, 1, 2, 3, 7, 99, 100, 101, 150).chain((size) => fc.array(hostileText(4), { minLength: size, maxLength: size }));
      await check('batch', batch, 350, async (texts) => {
        const response = await postJson('/api/v1/sentiment/batch', JSON.stringify({ texts }));
        expectWellFormed(response, /^texts(\[\d+\])?$/);
        const invalid = texts.flatMap((text, index) => (isAcceptableText(text) ? [] : [`texts[${index}]`]));
        if (texts.length === 0 || texts.length > SENTIMENT_LIMITS.maxBatchItems) {
          expect(response.status).toBe(422);
          expect(fieldsOf(response)).toContain('texts');
        } else if (invalid.length > 0) {
          expect(response.status).toBe(422);
          expect(fieldsOf(response)).toEqual(invalid);
        } else {
          expect(response.status).toBe(200);
          expectPredictions((response.json as any).results, texts);
        }
      });
    }, 180_000);

    it.each(['/etc', '/proc/self/environ', '.', 'Xenova/not-cached-here'])('answers 422 naming model for a named model no replica can load: %s (was a 502)', async (name) => {
      const response = await postJson('/api/v1/sentiment', JSON.stringify({ text: 'fine', model: name }));
      expect(response.status).toBe(422);
      expect((response.json as any).detail).toEqual([expect.objectContaining({ field: 'model', type: expect.stringMatching(/^(unknown_model|model_load_failed)$/) })]);
    });

    it('refuses a hostile model name (422 naming model) and the replica survives it', async () => {
      const model = fc.oneof(hostileText(10), fc.constantFrom('../../../../etc/passwd', '/dev/zero', '/proc/self/environ', 'C:\\\\Windows', 'http://127.0.0.1:1/x', 'a@b@c', '@', 'x'.repeat(513), '.', '..', '~'));
      await check('model', model, 150, async (name) => {
        const response = await postJson('/api/v1/sentiment', JSON.stringify({ text: 'fine', model: name }));
        expectWellFormed(response, /^model$/);
        expect(response.status).toBe(422);
      });
      const after = await postJson('/api/v1/sentiment', JSON.stringify({ text: 'still working' }));
      expect(after.status).toBe(200);
    }, 180_000);
  });

  describe('wrong JSON', () => {
    it('answers garbage, truncated, deeply nested, mistyped, duplicated and prototype-polluting bodies with a 422 (or a prediction when the body is valid)', async () => {
      const arbitrary = fc.tuple(wrongJsonBody, fc.boolean());
      await check('wrong JSON', arbitrary, 3000, async ([{ body }, batch]) => {
        const path = batch ? '/api/v1/sentiment/batch' : '/api/v1/sentiment';
        const response = await postJson(path, body);
        expectWellFormed(response, /^(body|text|model|texts(\[\d+\])?)$/);
        let parsed: any;
        try {
          parsed = JSON.parse(Buffer.from(body).toString('utf8'));
        } catch {
          // body-parser reads an empty body as {} and strips a BOM, which JSON.parse refuses.
          const text = Buffer.from(body).toString('utf8');
          if (text.trim() !== '' && !text.startsWith('\ufeff')) expect(fieldsOf(response)).toEqual(['body']);
          return;
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return expect(fieldsOf(response)).toEqual(['body']);
        const valid =
          !('model' in parsed) && (batch ? Array.isArray(parsed.texts) && parsed.texts.length >= 1 && parsed.texts.length <= 100 && parsed.texts.every(isAcceptableText) : isAcceptableText(parsed.text));
        if (valid) expect(response.status).toBe(200);
        if (response.status === 200) expectPredictions(batch ? (response.json as any).results : [response.json], batch ? parsed.texts : [parsed.text]);
      });
      expect(({} as any).polluted).toBeUndefined();
    }, 240_000);
  });

  describe('content types, encodings and framing', () => {
    it('refuses non-JSON types (415), unsupported charsets and encodings (415), corrupt compression (400) and lying framing (400)', async () => {
      const arbitrary = fc
        .record({
          contentType: fc.constantFrom(...CONTENT_TYPES),
          json: fc.constantFrom('{"text":"fine"}', '{"texts":["a","b"]}', '{"text":""}', '[1,2]'),
          framing: fc.constantFrom<Framing>('exact', 'exact', 'exact', 'short', 'long', 'chunked', 'bad-chunked', 'bad-length', 'double-length', 'length-and-chunked'),
        })
        .chain((request) => encodedBody(request.json).map((encoded) => ({ ...request, encoded })));
      await check('content types', arbitrary, 1500, async ({ contentType, encoded, framing }) => {
        const headers = keyed(TEST_KEYS.predict, [
          ...(contentType === undefined ? [] : [['Content-Type', contentType] as [string, string]]),
          ...(encoded.contentEncoding ? [['Content-Encoding', encoded.contentEncoding] as [string, string]] : []),
        ]);
        const response = await send(framed('/api/v1/sentiment', headers, encoded.bytes, framing));
        expectWellFormed(response);
        if (framing !== 'exact') return;
        const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
        const charset = /charset=([^;]+)/i.exec(contentType ?? '')?.[1].toLowerCase();
        if (mediaType !== 'application/json') expectRefusal(response, 415, /^body: Content-Type must be application\/json/);
        else if (charset && !charset.startsWith('utf-')) expectRefusal(response, 415, /^body: unsupported charset/);
        else if (encoded.undecodable) expect([400, 415]).toContain(response.status);
      });
    }, 180_000);
  });

  describe('headers', () => {
    it('refuses malformed, oversized and credential-abusing headers with a JSON 4xx, and never echoes an unsafe request id', async () => {
      const arbitrary = fc.record({
        target: fc.constantFrom('live', 'predict', 'evaluations'),
        requestIds: fc.array(requestIdValue, { maxLength: 2 }),
        credentials: fc.oneof(fc.constant('valid'), fc.array(fc.tuple(fc.constantFrom('Authorization', 'X-API-Key', 'x-api-key'), credentialValue), { maxLength: 3 })),
        extra: fc.array(fc.tuple(headerName, headerValue), { maxLength: 30 }),
        bloat: fc.oneof({ arbitrary: fc.constant(0), weight: 6 }, fc.integer({ min: 1, max: 40_000 }), fc.constant(17_000)),
        omitHost: fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, fc.constant(true)),
        expectation: fc.option(fc.constantFrom('100-continue', '100-Continue', 'foo', '', '200-ok'), { freq: 6 }),
      });
      await check('headers', arbitrary, 2200, async ({ target, requestIds, credentials, extra, bloat, omitHost, expectation }) => {
        const credentialHeaders: [string, string][] = credentials === 'valid' ? [['X-API-Key', target === 'evaluations' ? TEST_KEYS.operator : TEST_KEYS.predict]] : credentials;
        const headers: [string, string][] = [
          ...requestIds.map((id) => ['X-Request-ID', id] as [string, string]),
          ...credentialHeaders,
          ...extra,
          ...(bloat ? [['X-Bloat', 'b'.repeat(bloat)] as [string, string]] : []),
          ...(expectation === null ? [] : [['Expect', expectation] as [string, string]]),
        ];
        const request: RawRequest =
          target === 'predict'
            ? { method: 'POST', path: '/api/v1/sentiment', headers: [...headers, ['Content-Type', 'application/json']], body: '[]', omitHost }
            : { method: 'GET', path: target === 'live' ? '/live' : '/api/v1/evaluations?limit=1', headers, omitHost };
        const response = await send(request);
        expectWellFormed(response);
        const headBytes = Buffer.byteLength(headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')) + request.path.length;
        if (headers.some(isInvalidHeader)) {
          // The parser stops at the first bad byte, or at 16 KB of headers if that comes first.
          expect([400, 431]).toContain(response.status);
        } else if (headBytes > 16_500) {
          expectRefusal(response, 431, /request headers exceed/);
        } else if (headBytes < 15_000) {
          if (expectation !== null && !/(?:^|\W)100-continue(?:$|\W)/i.test(expectation)) expectRefusal(response, 417, /^Expect: .* is not supported/);
          else if (omitHost) expectRefusal(response, 400, /Host header/);
          else if (target === 'live') expect(response.status).toBe(200);
          else if (credentials === 'valid') expect(response.status).toBe(target === 'predict' ? 422 : 200);
          else expectRefusal(response, 401, /API key/);
        }
        // The correlation id: the caller's only when it is short and plain, else a fresh UUID.
        const echoed = response.headers['x-request-id'];
        const offered = requestIds.length === 1 ? requestIds[0].replace(/^[ \t]+|[ \t]+$/g, '') : undefined;
        expect(echoed).toEqual(offered !== undefined && SAFE_REQUEST_ID.test(offered) && echoed === offered ? offered : expect.stringMatching(UUID));
      });
      // No access-log line carries an unsafe request id.
      const ids = logger.lines.flatMap((line) => /requestId=(\S*)/.exec(line)?.[1] ?? []);
      expect(ids.length).toBeGreaterThan(100);
      expect(ids.filter((id) => !SAFE_REQUEST_ID.test(id))).toEqual([]);
      expect(logger.lines.filter((line) => line.startsWith('log requestId=') && /[\r\n\x00]/.test(line))).toEqual([]);
    }, 240_000);
  });

  describe('query strings and paths', () => {
    it('answers any query of GET /api/v1/evaluations with a list or a 422 naming the parameter', async () => {
      const param = fc.tuple(fc.constantFrom('limit', 'offset', 'status', 'model_name', 'dataset', 'split', 'x', '__proto__', 'constructor', 'limit[]', 'limit[0]', ''), urlValue);
      await check('evaluation list query', fc.array(param, { maxLength: 4 }), 900, async (params) => {
        const query = params.map(([key, value]) => `${key}=${value}`).join('&');
        const response = await send({ method: 'GET', path: `/api/v1/evaluations?${query}`, headers: keyed(TEST_KEYS.operator) });
        expectWellFormed(response, /^(limit|offset|status|model_name|dataset|split)$/);
        if (response.status === 200) expect((response.json as any).items).toEqual(expect.any(Array));
        else expect([400, 422, 431]).toContain(response.status);
      });
    }, 120_000);

    it('answers ids that are not UUIDs, traversal and broken escapes in GET/DELETE /api/v1/evaluations/:id and GET /api/v1/models/:name', async () => {
      const arbitrary = fc.tuple(fc.constantFrom('GET evaluation', 'DELETE evaluation', 'GET model'), fc.oneof(urlValue, fc.uuid()));
      await check('ids', arbitrary, 700, async ([what, id]) => {
        const [method, kind] = what.split(' ');
        const path = kind === 'model' ? `/api/v1/models/${id}` : `/api/v1/evaluations/${id}`;
        const response = await send({ method, path, headers: keyed(TEST_KEYS.operator) });
        expectWellFormed(response, /^(id|name)$/);
        expect([200, 400, 404, 422, 431]).toContain(response.status);
        if (kind === 'evaluation' && UUID.test(id)) expect(response.status).toBe(404);
      });
    }, 120_000);

    it('serves only the UI files it names from /ui/:file, whatever the path says', async () => {
      const served = ['app.js', 'dashboard.js', 'api-key.js', 'styles.css'];
      const file = fc.oneof(urlValue, fc.constantFrom(...served, 'index.html', '..%2Fmain.ts', '%2e%2e%2f%2e%2e%2fpackage.json', '....//app.js', 'app.js%00', 'app.js%2500', 'APP.JS', 'app.js/', '%2fetc%2fpasswd', '..\\..\\main.ts'));
      await check('ui files', file, 600, async (name) => {
        const response = await send({ method: 'GET', path: `/ui/${name}` });
        expectWellFormed(response);
        // Express routes ignore one trailing slash.
        if (response.status === 200) expect(served).toContain(decodeURIComponent(name).replace(/\/$/, ''));
        else expect([400, 404, 431]).toContain(response.status);
      });
    }, 120_000);
  });

  it(`sent at least 10,000 generated requests, and the gateway still answers`, async () => {
    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect((await gateway.get('/live')).status).toBe(200);
    expect([...histogram.keys()].filter((status) => Number(status) >= 500)).toEqual([]);
  });
});
