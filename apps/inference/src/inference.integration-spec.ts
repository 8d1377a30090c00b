import { ConsoleLogger } from '@nestjs/common';
import { ConfigValidationError } from '@sentiment-ops/config';
import { INFERENCE_LANES, INFERENCE_SERVICE, InferencePattern, type PingResponse, type PredictResponse } from '@sentiment-ops/contracts';
import { RedisStreamsClient } from '@sentiment-ops/redis-rpc';
import { buildTinyModelInto, deleteKeys, ensureTinyModel, repoRoot, TEST_REDIS_URL, uniquePrefix } from '@sentiment-ops/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { startInference, type InferenceApp } from './bootstrap';
import { loadInferenceConfig } from './config/inference.config';

const quiet = new ConsoleLogger({ logLevels: ['error'] });

describe('inference replica (in-process, real Redis)', () => {
  const prefix = uniquePrefix('inference-app');
  let model: string;
  let replica: InferenceApp;
  let client: RedisStreamsClient;

  const call = <T>(pattern: string, data: unknown, lane = 'live') => lastValueFrom(client.send<T>(pattern, data, { lane, timeoutMs: 10_000 }));

  beforeAll(async () => {
    model = await ensureTinyModel();
    const config = loadInferenceConfig({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, MODEL_ID: model, HF_HUB_OFFLINE: '1', INFERENCE_HTTP_PORT: '0', INTRA_OP_THREADS: '1', REPLICA_ID: 'in-process' });
    replica = await startInference(config, quiet);
    client = new RedisStreamsClient({ url: TEST_REDIS_URL, prefix, service: INFERENCE_SERVICE, lanes: INFERENCE_LANES });
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await replica?.close();
    await deleteKeys(prefix);
  });

  it('predicts on both lanes and says which model and replica answered', async () => {
    for (const lane of INFERENCE_LANES) {
      const response = await call<PredictResponse>(InferencePattern.Predict, { texts: ['good morning', 'awful service'] }, lane);
      expect(response.replicaId).toBe('in-process');
      expect(response.model).toMatchObject({ name: model, dtype: 'q8', maxLength: 128 });
      expect(response.predictions).toHaveLength(2);
      expect(response.predictions[0].tokens).toBeGreaterThan(2);
    }
  });

  it('answers ping with the loaded model', async () => {
    const ping = await call<PingResponse>(InferencePattern.Ping, {});
    expect(ping).toMatchObject({ replicaId: 'in-process', model: { name: model } });
    expect(new Date(ping.modelLoadedAt).getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('refuses a malformed payload and an unknown model with typed errors', async () => {
    await expect(call(InferencePattern.Predict, { texts: 'not a list' })).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('texts') });
    await expect(call(InferencePattern.Predict, { texts: [] })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(call(InferencePattern.Predict, { texts: ['x'], model: 'no-such-model' })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });

  it('resolves model names without loading them', async () => {
    await expect(call(InferencePattern.ResolveModel, { model })).resolves.toMatchObject({ name: model, source: model, dtype: 'q8' });
    await expect(call(InferencePattern.ResolveModel, { model: 'cardiffnlp/twitter-roberta-base-sentiment-latest' })).resolves.toMatchObject({ source: 'Xenova/twitter-roberta-base-sentiment-latest' });
    await expect(call(InferencePattern.ResolveModel, { model: './no/such/folder' })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(call(InferencePattern.ResolveModel, { model: 'not a model' })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });

  it('exports computed items, batch sizes, queue vs compute time and stream gauges', async () => {
    await Promise.all(Array.from({ length: 5 }, (_, i) => call(InferencePattern.Predict, { texts: [`text ${i}`, `another ${i}`] })));
    const metrics = await (await fetch(`http://127.0.0.1:${replica.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/inference_items_total\{[^}]*lane="live"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/inference_batch_size_count\{[^}]*\} [1-9]/);
    expect(metrics).toMatch(/inference_queue_seconds_count\{[^}]*lane="live"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/inference_compute_seconds_count\{[^}]*\} [1-9]/);
    expect(metrics).toMatch(/inference_model_info\{[^}]*version="[0-9a-f]{12}"[^}]*\} 1/);
    expect(metrics).toMatch(/rpc_stream_length\{[^}]*lane="live"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/rpc_stream_pending\{[^}]*lane="bulk"[^}]*\} 0/);
    expect(metrics).toMatch(/rpc_stream_lag\{[^}]*lane="live"[^}]*\} 0/);
  });

  it('answers its probes', async () => {
    const base = `http://127.0.0.1:${replica.httpPort}`;
    expect(await (await fetch(`${base}/health/live`)).json()).toEqual({ status: 'alive' });
    expect(await (await fetch(`${base}/health/ready`)).json()).toMatchObject({ status: 'ready', model, version: expect.any(String) });
  });
});

describe('inference startup', () => {
  it('names every invalid variable', () => {
    expect(() => loadInferenceConfig({ MODEL_DTYPE: 'int4', INFERENCE_HTTP_PORT: '70000', MODEL_REGISTRY: '{"x":{}}' })).toThrow(ConfigValidationError);
    try {
      loadInferenceConfig({ MODEL_DTYPE: 'int4', INFERENCE_HTTP_PORT: '70000' });
    } catch (error) {
      expect((error as ConfigValidationError).problems.map((p) => p.variable).sort()).toEqual(['INFERENCE_HTTP_PORT', 'MODEL_DTYPE']);
    }
    expect(() => loadInferenceConfig({ MODEL_REGISTRY: '{"mine": {"source": ""}}' })).toThrow(/MODEL_REGISTRY/);
  });

  it('fails with a clear error when the model folder is incomplete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broken-model-'));
    try {
      await buildTinyModelInto(dir, { omitFiles: ['tokenizer_config.json'] });
      const config = loadInferenceConfig({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: uniquePrefix('broken'), MODEL_ID: dir, HF_HUB_OFFLINE: '1', INFERENCE_HTTP_PORT: '0' });
      await expect(startInference(config, quiet)).rejects.toThrow(/missing tokenizer_config\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the committed sentiment-lite model, served by name', () => {
  const prefix = uniquePrefix('inference-lite');
  let replica: InferenceApp;
  let client: RedisStreamsClient;

  beforeAll(async () => {
    // The registry path is relative to the working directory: the repository root, as for npm start.
    process.chdir(repoRoot());
    const config = loadInferenceConfig({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, MODEL_ID: 'sentiment-lite', HF_HUB_OFFLINE: '1', INFERENCE_HTTP_PORT: '0', INTRA_OP_THREADS: '1' });
    replica = await startInference(config, quiet);
    client = new RedisStreamsClient({ url: TEST_REDIS_URL, prefix, service: INFERENCE_SERVICE, lanes: INFERENCE_LANES });
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await replica?.close();
    await deleteKeys(prefix);
  });

  it('predicts the obvious cases through the same RPC as transformer models', async () => {
    const response = await lastValueFrom(
      client.send<PredictResponse>(InferencePattern.Predict, { texts: ['I love this, best day ever!', 'This is awful, I hate it', 'The meeting is on Tuesday at 3pm'] }, { timeoutMs: 10_000 }),
    );
    expect(response.model).toMatchObject({ name: 'sentiment-lite', dtype: 'fp32' });
    expect(response.model.version).toMatch(/^[0-9a-f]{12}$/);
    expect(response.predictions.map((p) => p.label)).toEqual(['positive', 'negative', 'neutral']);
  });
});
