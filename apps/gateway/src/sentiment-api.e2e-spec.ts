import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { buildTinyModelInto, deleteKeys, ensureTinyModel, startInferenceReplica, TEST_REDIS_URL, uniquePrefix, type InferenceReplica } from '@sentiment-ops/testing';
import type { SentimentResponseDto } from '@sentiment-ops/contracts';
import { startGateway, TEST_API_KEYS, TEST_KEYS, type RunningGateway } from './test/gateway-harness';

// The real gateway in-process and a real inference replica process (tiny fixture model, fp32 so
// batched and single predictions can be compared exactly), over the real Redis.
describe('sentiment API (gateway + one inference replica)', () => {
  const prefix = uniquePrefix('gateway-api');
  let replica: InferenceReplica;
  let gateway: RunningGateway;

  beforeAll(async () => {
    const model = await ensureTinyModel();
    replica = await startInferenceReplica({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, MODEL_ID: model, MODEL_DTYPE: 'fp32', HF_HUB_OFFLINE: '1', INTRA_OP_THREADS: '1', MODEL_FOLDERS: [tmpdir(), dirname(model)].join(',') });
    gateway = await startGateway({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, INFERENCE_TIMEOUT_MS: '10000', HTTP_BODY_LIMIT: '1mb', API_KEYS: TEST_API_KEYS }, { apiKey: TEST_KEYS.predict });
  }, 90_000);

  afterAll(async () => {
    await gateway?.close();
    await replica?.stop();
    await deleteKeys(prefix);
  });

  const expectSentimentShape = (result: SentimentResponseDto, text: string) => {
    expect(Object.keys(result)).toEqual(['text', 'sentiment', 'confidence', 'probabilities']);
    expect(result.text).toBe(text);
    expect(['negative', 'neutral', 'positive']).toContain(result.sentiment);
    expect(Object.keys(result.probabilities)).toEqual(['negative', 'neutral', 'positive']);
    const probabilities = Object.values(result.probabilities) as number[];
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(result.confidence).toBe(Math.max(...probabilities));
    expect(result.probabilities[result.sentiment]).toBe(result.confidence);
  };

  describe('POST /api/v1/sentiment', () => {
    it('answers the reference shape and echoes the request id', async () => {
      const response = await gateway.post('/api/v1/sentiment', { text: 'I love this phone!' }, { 'X-Request-ID': 'test-req-1' });
      expect(response.status).toBe(200);
      expectSentimentShape(response.body, 'I love this phone!');
      expect(response.headers.get('x-request-id')).toBe('test-req-1');
    });

    it('accepts exactly 1,024 code points counted with astral characters', async () => {
      const text = '😀'.repeat(1024); // 2,048 UTF-16 units
      const response = await gateway.post('/api/v1/sentiment', { text });
      expect(response.status).toBe(200);
      expect(response.body.text).toBe(text);
    });

    it('normalises mentions and links before the model, as the model card says', async () => {
      const a = await gateway.post('/api/v1/sentiment', { text: '@alice this is great http://a.example/x' });
      const b = await gateway.post('/api/v1/sentiment', { text: '@bob this is great https://b.example/other' });
      expect(a.body.probabilities).toEqual(b.body.probabilities);
      expect(a.body.text).toBe('@alice this is great http://a.example/x');
    });

    it('predicts with the model named in the body and says which model answered', async () => {
      const other = mkdtempSync(join(tmpdir(), 'other-model-'));
      try {
        await buildTinyModelInto(other, { seed: 99 });
        const byDefault = await gateway.post('/api/v1/sentiment', { text: 'which model am I talking to?' });
        const named = await gateway.post('/api/v1/sentiment/batch', { texts: ['which model am I talking to?'], model: other });
        expect(named.status).toBe(200);
        expect(decodeURIComponent(named.headers.get('x-model') ?? '')).toBe(other);
        expect(named.headers.get('x-model-version')).toMatch(/^[0-9a-f]{12}$/);
        expect(named.headers.get('x-model-version')).not.toBe(byDefault.headers.get('x-model-version'));
        expect(named.body.results[0].probabilities).not.toEqual(byDefault.body.probabilities);
        const unknown = await gateway.post('/api/v1/sentiment', { text: 'hello', model: './no/such/model' });
        expect(unknown.status).toBe(422);
        expect(unknown.body.detail[0].field).toBe('model');
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    });

    it.each([
      ['missing text', {}, 'text', 'is required'],
      ['empty text', { text: '' }, 'text', 'at least 1'],
      ['blank text', { text: ' \n\t ' }, 'text', 'blank'],
      ['1,025 code points', { text: '😀'.repeat(1025) }, 'text', 'at most 1024'],
      ['a number', { text: 42 }, 'text', 'must be a string'],
      ['an array body', [], 'body', 'JSON object'],
    ])('answers 422 naming the field for %s', async (_case, body, field, message) => {
      const response = await gateway.post('/api/v1/sentiment', body);
      expect(response.status).toBe(422);
      expect(response.body.detail[0].field).toBe(field);
      expect(response.body.detail[0].msg).toContain(message);
      expect(response.body.message).toContain(`${field}: `);
      expect(typeof response.body.requestId).toBe('string');
    });

    it('answers 422 for malformed JSON', async () => {
      const response = await gateway.post('/api/v1/sentiment', '{"text": "unterminated');
      expect(response.status).toBe(422);
      expect(response.body.detail).toEqual([expect.objectContaining({ field: 'body', type: 'json_invalid' })]);
    });

    it('answers 413 for a body over the limit, before reading it all', async () => {
      const response = await gateway.post('/api/v1/sentiment', { text: 'x'.repeat(1_100_000) });
      expect(response.status).toBe(413);
      expect(response.body.message).toMatch(/exceeds the limit of 1048576 bytes/);
    });
  });

  describe('POST /api/v1/sentiment/batch', () => {
    it('returns one result per text in input order, equal to single predictions', async () => {
      const texts = ['Best day ever!', 'The train is late again and I am furious about it.', 'ok', 'The meeting is at 3pm in room 4.'];
      const batch = await gateway.post('/api/v1/sentiment/batch', { texts });
      expect(batch.status).toBe(200);
      expect(Object.keys(batch.body)).toEqual(['results']);
      expect(batch.body.results.map((r: SentimentResponseDto) => r.text)).toEqual(texts);
      for (const [index, text] of texts.entries()) {
        expectSentimentShape(batch.body.results[index], text);
        const single = await gateway.post('/api/v1/sentiment', { text });
        for (const label of ['negative', 'neutral', 'positive'] as const) {
          expect(Math.abs(single.body.probabilities[label] - batch.body.results[index].probabilities[label])).toBeLessThan(1e-5);
        }
      }
    });

    it('keeps order and single-prediction results when many mixed-length batches are batched together', async () => {
      const words = 'the service was slow but the staff were kind and the food arrived warm'.split(' ');
      const texts = Array.from({ length: 60 }, (_, i) => words.slice(0, 1 + ((i * 7) % words.length)).join(' ') + ` #${i}`);
      const chunks = Array.from({ length: 6 }, (_, i) => texts.slice(i * 10, i * 10 + 10));
      const batched = await Promise.all(chunks.map((chunk) => gateway.post('/api/v1/sentiment/batch', { texts: chunk })));
      const singles: SentimentResponseDto[] = [];
      for (const text of texts) singles.push((await gateway.post('/api/v1/sentiment', { text })).body);
      batched.forEach((response, c) => {
        expect(response.status).toBe(200);
        response.body.results.forEach((result: SentimentResponseDto, i: number) => {
          const single = singles[c * 10 + i];
          expect(result.text).toBe(texts[c * 10 + i]);
          for (const label of ['negative', 'neutral', 'positive'] as const) expect(Math.abs(result.probabilities[label] - single.probabilities[label])).toBeLessThan(1e-5);
        });
      });
    });

    it.each([
      ['0 items', { texts: [] }, 'texts', 'at least 1'],
      ['101 items', { texts: Array.from({ length: 101 }, () => 'ok') }, 'texts', 'at most 100'],
      ['a non-string item', { texts: ['a', 'b', 'c', 7] }, 'texts[3]', 'must be a string'],
      ['a blank item', { texts: ['fine', '   '] }, 'texts[1]', 'blank'],
      ['an item of 1,025 code points', { texts: ['ok', 'é'.repeat(1025)] }, 'texts[1]', 'at most 1024'],
      ['texts not an array', { texts: 'hello' }, 'texts', 'array'],
      ['missing texts', { text: 'hello' }, 'texts', 'is required'],
    ])('answers 422 naming the field for %s', async (_case, body, field, message) => {
      const response = await gateway.post('/api/v1/sentiment/batch', body);
      expect(response.status).toBe(422);
      expect(response.body.detail.map((d: { field: string }) => d.field)).toContain(field);
      expect(response.body.detail.find((d: { field: string }) => d.field === field).msg).toContain(message);
    });

    it('accepts exactly 100 items', async () => {
      const response = await gateway.post('/api/v1/sentiment/batch', { texts: Array.from({ length: 100 }, (_, i) => `text number ${i}`) });
      expect(response.status).toBe(200);
      expect(response.body.results).toHaveLength(100);
    });
  });

  describe('metrics', () => {
    const sample = (text: string, series: string): number =>
      text
        .split('\n')
        .filter((line) => line.startsWith(series))
        .reduce((sum, line) => sum + Number(line.trim().split(/\s+/).pop()), 0);

    it('counts predictions per item and latency once per request, with reference names', async () => {
      const before = (await gateway.get('/admin/metrics')).text;
      await gateway.post('/api/v1/sentiment/batch', { texts: ['one', 'two two', 'three three three'] });
      await gateway.post('/api/v1/sentiment', { text: '😀😀' });
      const after = await gateway.get('/admin/metrics');
      expect(after.headers.get('content-type')).toContain('text/plain');
      const delta = (series: string) => sample(after.text, series) - sample(before, series);
      expect(delta('sentiment_predictions_total{')).toBe(4);
      expect(delta('sentiment_prediction_latency_seconds_count')).toBe(2);
      expect(delta('sentiment_text_length_count')).toBe(4);
      expect(delta('sentiment_text_length_sum')).toBe(3 + 7 + 17 + 2); // code points, not UTF-16 units
      expect(delta('sentiment_confidence_count')).toBe(4);
      expect(after.text).toMatch(/http_requests_total\{method="POST",route="\/api\/v1\/sentiment\/batch",status="200"/);
      expect(after.text).toMatch(/rpc_client_requests_total\{pattern="inference.predict",lane="live",outcome="ok"/);
    });

    it('counts 4xx responses as HTTP errors', async () => {
      await gateway.post('/api/v1/sentiment', { text: '' });
      const text = (await gateway.get('/admin/metrics')).text;
      expect(text).toMatch(/http_request_errors_total\{method="POST",route="\/api\/v1\/sentiment",status="422"[^}]*\} [1-9]/);
    });
  });

  describe('health', () => {
    it('/health reports every dependency and the loaded model with its version', async () => {
      const response = await gateway.get('/health');
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('healthy');
      expect(response.body.model).toMatchObject({ status: 'available', name: expect.stringContaining('tiny-fixture'), version: expect.stringMatching(/^[0-9a-f]{12}$/) });
      expect(Object.keys(response.body.checks.details).sort()).toEqual(['disk', 'inference', 'memory_rss', 'model', 'redis']);
      expect(response.body.system).toHaveProperty('memory');
    });

    it('/ready does a prediction round trip and /live always answers', async () => {
      expect(await gateway.get('/ready')).toMatchObject({ status: 200, body: { status: 'ready' } });
      expect(await gateway.get('/live')).toMatchObject({ status: 200, body: { status: 'alive' } });
    });
  });

  describe('documentation and UI', () => {
    it('serves Swagger UI and an OpenAPI document with every DTO and error', async () => {
      expect((await gateway.get('/docs')).text).toContain('swagger-ui');
      const { body } = await gateway.get('/docs-json');
      for (const path of ['/api/v1/sentiment', '/api/v1/sentiment/batch']) {
        expect(Object.keys(body.paths[path].post.responses).sort()).toEqual(['200', '401', '403', '413', '422', '429', '502', '503', '504']);
      }
      expect(Object.keys(body.components.schemas)).toEqual(
        expect.arrayContaining(['SentimentRequestDto', 'BatchSentimentRequestDto', 'SentimentResponseDto', 'BatchSentimentResponseDto', 'ErrorResponseDto', 'ValidationErrorDetailDto']),
      );
      expect(body.components.schemas.BatchSentimentRequestDto.properties.texts).toMatchObject({ minItems: 1, maxItems: 100 });
      expect(body.components.schemas.SentimentRequestDto.properties.text.example).toBeDefined();
    });

    it('serves the web UI and the dashboard, and no other files', async () => {
      const index = await gateway.get('/');
      expect(index.headers.get('content-type')).toContain('text/html');
      expect(index.text).toContain('ui/app.js');
      expect((await gateway.get('/ui/app.js')).text).toContain('textContent');
      expect((await gateway.get('/admin/dashboard')).text).toContain('Sentiment Analysis Metrics Dashboard');
      expect((await gateway.get('/ui/..%2Fmain.ts')).status).toBe(404);
      expect((await gateway.get('/ui/index.html')).status).toBe(404);
    });
  });
});
