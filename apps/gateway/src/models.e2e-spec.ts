import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createPgPool, migrateDatabase, ModelRegistryRepository } from '@sentiment-ops/persistence';
import {
  buildTinyModelInto,
  createTestDatabase,
  deleteKeys,
  ensureTinyModel,
  startEvaluationWorker,
  startInferenceReplica,
  waitFor,
  TEST_REDIS_URL,
  uniquePrefix,
  type InferenceReplica,
  type TestDatabase,
} from '@sentiment-ops/testing';
import type { Pool } from 'pg';
import { startGateway, TEST_API_KEYS, TEST_KEYS, type RunningGateway } from './test/gateway-harness';

// The model registry API and serving by registry reference, over real Postgres, Redis and a replica.
describe('model registry (gateway + inference, Postgres)', () => {
  const prefix = uniquePrefix('models');
  let database: TestDatabase;
  let pool: Pool;
  let registry: ModelRegistryRepository;
  let work: string;
  let replica: InferenceReplica;
  let gateway: RunningGateway;
  const versions: { uri: string }[] = [];

  beforeAll(async () => {
    const model = await ensureTinyModel();
    database = await createTestDatabase('models');
    await migrateDatabase(database.url);
    pool = createPgPool({ url: database.url, applicationName: 'models-e2e' });
    registry = new ModelRegistryRepository(pool);
    work = mkdtempSync(join(tmpdir(), 'registry-models-'));
    for (const seed of [101, 202]) {
      const info = await buildTinyModelInto(join(work, `v${seed}`), { seed });
      versions.push({ uri: info.dir });
    }
    replica = await startInferenceReplica({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, MODEL_ID: model, HF_HUB_OFFLINE: '1', INTRA_OP_THREADS: '1', MAX_LOADED_MODELS: '4', MODEL_FOLDERS: [tmpdir(), dirname(model)].join(',') });
    // Status polling and the load test exceed a minute's worth of requests: rate limits have their own spec.
    gateway = await startGateway({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATABASE_URL: database.url, API_KEYS: TEST_API_KEYS, RATE_LIMIT_PER_KEY_PER_MINUTE: '0' }, { apiKey: TEST_KEYS.operator });
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await replica?.stop();
    await pool?.end();
    await database?.drop();
    await deleteKeys(prefix);
    rmSync(work, { recursive: true, force: true });
  });

  const register = (index: number) =>
    registry.registerVersion({ name: 'tiny-tuned', sourceDataset: 'synthetic', trainingParameters: { seed: index }, metrics: { validation: { macroF1: 0.5 } }, uri: versions[index].uri, contentVersion: `v${index}` });

  it('fine-tunes sentiment-lite through a job, registers the result and serves it by name@version', async () => {
    const datasets = join(work, 'datasets');
    const cues = { negative: ['broke after one day', 'refund please, useless', 'terrible quality, returned it'], neutral: ['arrived on time, it is okay', 'average item, nothing special', 'does the job, fine'], positive: ['excellent, works perfectly', 'love it, great value', 'fantastic quality, recommend'] };
    const stars = { negative: 1, neutral: 3, positive: 5 } as const;
    const lines = (count: number, offset: number) =>
      Array.from({ length: count }, (_, i) => {
        const label = (['negative', 'neutral', 'positive'] as const)[i % 3];
        return JSON.stringify({ text: `${cues[label][(i + offset) % 3]} (item ${i + offset})`, stars: stars[label] });
      }).join('\n');
    mkdirSync(join(datasets, 'amazon_reviews_multi_en'), { recursive: true });
    writeFileSync(join(datasets, 'amazon_reviews_multi_en', 'train.jsonl'), lines(240, 0) + '\n');
    writeFileSync(join(datasets, 'amazon_reviews_multi_en', 'test.jsonl'), lines(60, 1000) + '\n');
    const worker = await startEvaluationWorker({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATABASE_URL: database.url, DATASETS_DIR: datasets, HF_HUB_OFFLINE: '1', FINETUNED_MODELS_DIR: join(work, 'finetuned') });
    const finished = (statusUrl: string) =>
      waitFor(
        async () => {
          const { body } = await gateway.get(statusUrl);
          return body.status === 'running' ? undefined : body;
        },
        { timeoutMs: 60_000, intervalMs: 200, what: 'the fine-tuning run to finish' },
      );
    try {
      // A transformer base: frozen encoder, new head, written fp32 and served as such.
      const transformer = await gateway.post('/api/v1/models/fine-tune', { base: versions[0].uri, dataset: 'mteb/amazon_reviews_multi', split: 'train', samples: 120, seed: 3, name: 'tiny-head-e2e' });
      expect(transformer.status).toBe(202);
      const headRun = await finished(transformer.body.statusUrl);
      expect(headRun).toMatchObject({ status: 'completed', model: 'tiny-head-e2e', version: 1 });
      const headServed = await gateway.post('/api/v1/sentiment', { text: 'excellent, works perfectly', model: 'tiny-head-e2e@1' });
      expect(headServed.status).toBe(200);
      expect(headServed.headers.get('x-model-version')).toMatch(/^[0-9a-f]{12}$/);

      const accepted = await gateway.post('/api/v1/models/fine-tune', { base: 'sentiment-lite', dataset: 'mteb/amazon_reviews_multi', split: 'train', holdout: 0.25, seed: 3, name: 'lite-amazon-e2e' });
      expect(accepted.status).toBe(202);
      expect(accepted.body).toMatchObject({ status: 'queued', name: 'lite-amazon-e2e', statusUrl: `/api/v1/models/training-runs/${accepted.body.jobId}` });
      const run = await finished(accepted.body.statusUrl);
      expect(run).toMatchObject({ kind: 'fine-tune', status: 'completed', baseModel: 'sentiment-lite', model: 'lite-amazon-e2e', version: 1, error: null });
      expect(run.epochs.length).toBeGreaterThan(0);
      expect(run.finalMetrics.holdoutAfter.macroF1).toBeGreaterThan(run.finalMetrics.holdoutBefore.macroF1);

      const model = await gateway.get('/api/v1/models/lite-amazon-e2e');
      expect(model.body.versions[0]).toMatchObject({ version: 1, baseModel: 'sentiment-lite', sourceDataset: 'mteb/amazon_reviews_multi/train' });
      const served = await gateway.post('/api/v1/sentiment', { text: 'excellent, works perfectly', model: 'lite-amazon-e2e@1' });
      expect(served.status).toBe(200);
      expect(decodeURIComponent(served.headers.get('x-model') ?? '')).toBe(model.body.versions[0].uri);
      expect(served.body.sentiment).toBe('positive');
    } finally {
      await worker.stop();
    }
  }, 120_000);

  it('refuses fine-tuning requests it cannot run', async () => {
    const cases: [object, string][] = [
      [{ dataset: 'nope' }, 'dataset'],
      [{ split: 'test' }, 'split'],
      [{ holdout: 0.9 }, 'holdout'],
      [{ name: 'bad name!' }, 'name'],
      [{ base: 'tiny-tuned@staging' }, 'base'],
    ];
    for (const [body, field] of cases) {
      const response = await gateway.post('/api/v1/models/fine-tune', body);
      expect({ field, status: response.status, reported: response.body.detail?.[0]?.field }).toEqual({ field, status: 422, reported: field });
    }
  });

  it('lists models, shows versions and moves aliases', async () => {
    await register(0);
    await register(1);
    const list = await gateway.get('/api/v1/models');
    expect(list.status).toBe(200);
    expect(list.body).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'tiny-tuned', latestVersion: 2, versionCount: 2 })]));

    const moved = await gateway.post('/api/v1/models/tiny-tuned/aliases', { alias: 'candidate', version: 2 });
    expect(moved).toMatchObject({ status: 200, body: { name: 'tiny-tuned', alias: 'candidate', version: 2, previous: null } });
    const details = await gateway.get('/api/v1/models/tiny-tuned');
    expect(details.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(details.body.aliases).toEqual({ candidate: 2 });

    expect((await gateway.post('/api/v1/models/tiny-tuned/aliases', { alias: 'candidate', version: 9 })).status).toBe(404);
    expect((await gateway.post('/api/v1/models/nope/aliases', { alias: 'candidate', version: 1 })).status).toBe(404);
    const badAlias = await gateway.post('/api/v1/models/tiny-tuned/aliases', { alias: 'Prod!', version: 1 });
    expect(badAlias.status).toBe(422);
    expect(badAlias.body.detail[0].field).toBe('alias');
    expect((await gateway.get('/api/v1/models/nope')).status).toBe(404);
  });

  it('serves name@version and name@alias references from the registry', async () => {
    const pinned = await gateway.post('/api/v1/sentiment', { text: 'pinned version', model: 'tiny-tuned@1' });
    expect(pinned.status).toBe(200);
    expect(decodeURIComponent(pinned.headers.get('x-model') ?? '')).toBe(versions[0].uri);
    const aliased = await gateway.post('/api/v1/sentiment', { text: 'pinned version', model: 'tiny-tuned@candidate' });
    expect(decodeURIComponent(aliased.headers.get('x-model') ?? '')).toBe(versions[1].uri);
    const missing = await gateway.post('/api/v1/sentiment', { text: 'x', model: 'tiny-tuned@staging' });
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0].field).toBe('model');
  });

  it('keeps answering while the production alias moves, then serves the new version', async () => {
    // A version no request has used yet, so only the preload announcement can load it early.
    const fresh = await buildTinyModelInto(join(work, 'v303'), { seed: 303 });
    versions.push({ uri: fresh.dir });
    await register(2);
    const metricsOf = async () => (await fetch(`http://127.0.0.1:${replica.httpPort}/metrics`)).text();
    expect(await metricsOf()).not.toContain(`source="${fresh.dir}"`);
    await registry.setAlias('tiny-tuned', 'production', 1);
    const first = await gateway.post('/api/v1/sentiment', { text: 'warm', model: 'tiny-tuned' });
    expect(decodeURIComponent(first.headers.get('x-model') ?? '')).toBe(versions[0].uri);

    let switched = false;
    const statuses: number[] = [];
    const load = (async () => {
      for (let i = 0; i < 60; i++) {
        const response = await gateway.post('/api/v1/sentiment/batch', { texts: [`request ${i}`, 'under load'], model: 'tiny-tuned' });
        statuses.push(response.status);
        if (i === 20 && !switched) {
          switched = true;
          await gateway.post('/api/v1/models/tiny-tuned/aliases', { alias: 'production', version: 3 });
          // Announced on the alias move: the replica loads version 3 before any request asks for it.
          await waitFor(async () => (await metricsOf()).includes(`source="${fresh.dir}"`), { timeoutMs: 5_000, what: 'the replica to preload version 3' });
        }
      }
    })();
    const concurrent = Promise.all(Array.from({ length: 40 }, (_, i) => gateway.post('/api/v1/sentiment', { text: `parallel ${i}`, model: 'tiny-tuned' }).then((r) => statuses.push(r.status))));
    await Promise.all([load, concurrent]);
    expect(statuses).toHaveLength(100);
    expect(new Set(statuses)).toEqual(new Set([200]));
    const after = await gateway.post('/api/v1/sentiment', { text: 'after the switch', model: 'tiny-tuned' });
    expect(decodeURIComponent(after.headers.get('x-model') ?? '')).toBe(fresh.dir);
  }, 60_000);
});
