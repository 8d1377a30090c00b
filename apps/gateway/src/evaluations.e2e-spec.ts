import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { Client } from 'pg';
import type { EvaluationRun } from '@sentiment-ops/contracts';
import {
  buildTinyModelInto,
  createTestDatabase,
  deleteKeys,
  ensureTinyModel,
  startEvaluationWorker,
  startInferenceReplica,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type InferenceReplica,
  type TestDatabase,
  type WorkerProcess,
} from '@sentiment-ops/testing';
import { migrateDatabase } from '@sentiment-ops/persistence';
import { startGateway, TEST_API_KEYS, TEST_KEYS, type RunningGateway } from './test/gateway-harness';

const LABELS = ['negative', 'neutral', 'positive'] as const;

/** A small TweetEval-shaped dataset the test owns (DATASETS_DIR layout: <folder>/<split>.jsonl). */
const writeDataset = (dir: string, rows: number): void => {
  const words = ['great', 'awful', 'meeting', 'love', 'hate', 'tuesday', 'fine', 'broken', 'today', 'happy'];
  const lines = Array.from({ length: rows }, (_, i) => JSON.stringify({ text: `${words[i % 10]} ${words[(i * 3) % 10]} number ${i} `, label: LABELS[i % 3] }));
  mkdirSync(join(dir, 'tweeteval_sentiment'), { recursive: true });
  writeFileSync(join(dir, 'tweeteval_sentiment', 'test.jsonl'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'tweeteval_sentiment', 'val.jsonl'), lines.slice(0, 30).join('\n') + '\n');
};

// Gateway (in-process) + inference replica + evaluation worker processes, real Redis and Postgres.
describe('evaluations (gateway + worker + inference, Redis + Postgres)', () => {
  const prefix = uniquePrefix('evaluations');
  let database: TestDatabase;
  let datasetsDir: string;
  let model: string;
  let replica: InferenceReplica;
  let gateway: RunningGateway;
  const workers: WorkerProcess[] = [];

  const workerEnv = (extra: Record<string, string> = {}) => ({
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    DATABASE_URL: database.url,
    DATASETS_DIR: datasetsDir,
    HF_HUB_OFFLINE: '1',
    EVAL_LOCK_DURATION_MS: '2000',
    EVAL_STALLED_INTERVAL_MS: '1000',
    ...extra,
  });
  const startWorker = async (extra: Record<string, string> = {}) => {
    const worker = await startEvaluationWorker(workerEnv(extra));
    workers.push(worker);
    return worker;
  };
  const finished = (id: string, timeoutMs = 60_000) =>
    waitFor(
      async () => {
        const { body } = await gateway.get(`/api/v1/evaluations/${id}`);
        return ['completed', 'failed', 'cancelled'].includes(body.status) ? (body as EvaluationRun) : undefined;
      },
      { timeoutMs, intervalMs: 100, what: `evaluation ${id} to finish` },
    );
  const gaugeValue = (metrics: string, name: string, labels: Record<string, string>): number | undefined => {
    const line = metrics.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
    return line === undefined ? undefined : Number(line.trim().split(/\s+/).pop());
  };

  beforeAll(async () => {
    model = await ensureTinyModel();
    database = await createTestDatabase('evaluations');
    await migrateDatabase(database.url);
    datasetsDir = mkdtempSync(join(tmpdir(), 'datasets-'));
    writeDataset(datasetsDir, 600);
    replica = await startInferenceReplica({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, MODEL_ID: model, HF_HUB_OFFLINE: '1', INTRA_OP_THREADS: '1', MODEL_FOLDERS: [tmpdir(), dirname(model)].join(',') });
    // Status polling exceeds a minute's worth of requests: rate limits and quotas have their own spec.
    gateway = await startGateway(
      { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATABASE_URL: database.url, MAX_EVAL_SAMPLES: '1000', API_KEYS: TEST_API_KEYS, RATE_LIMIT_PER_KEY_PER_MINUTE: '0' },
      { apiKey: TEST_KEYS.operator },
    );
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    await replica?.stop();
    await database?.drop();
    await deleteKeys(prefix);
    rmSync(datasetsDir, { recursive: true, force: true });
  });

  it('runs an evaluation end to end, stores it, exports the gauges and restores them after a restart', async () => {
    const worker = await startWorker();
    const accepted = await gateway.post('/api/v1/evaluate?dataset=tweet_eval&split=test&samples=90&sampling=stratified&seed=7', '');
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: 'queued', statusUrl: `/api/v1/evaluations/${accepted.body.jobId}`, dataset: 'tweet_eval', split: 'test', samples: 90, model: 'default' });

    const run = await finished(accepted.body.jobId);
    expect(run).toMatchObject({ status: 'completed', progress: 1, samplesEvaluated: 90, sampling: 'stratified', seed: 7, resolvedModel: model, error: null, ownerKey: 'e2e-operator' });
    expect(run.modelVersion).toMatch(/^[0-9a-f]{12}$/);
    const report = run.report!;
    expect(report.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(90);
    expect(LABELS.map((label) => report.perClass[label].support)).toEqual([30, 30, 30]); // stratified over a balanced split
    expect(report.accuracy).toBeCloseTo((report.confusionMatrix[0][0] + report.confusionMatrix[1][1] + report.confusionMatrix[2][2]) / 90, 10);
    expect(run.durationMs).toBeGreaterThan(0);

    const history = await gateway.get(`/api/v1/evaluations?dataset=tweet_eval&split=test&model_name=${encodeURIComponent(model)}`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((item: EvaluationRun) => item.id)).toContain(run.id);

    const target = { model_name: model, dataset: 'tweet_eval', split: 'test' };
    const before = await worker.metrics();
    expect(gaugeValue(before, 'model_accuracy', target)).toBeCloseTo(report.accuracy, 10);
    expect(gaugeValue(before, 'model_f1', { ...target, class_label: 'macro', average: 'macro' })).toBeCloseTo(report.macroF1, 10);
    expect(gaugeValue(before, 'model_recall', { ...target, class_label: 'negative', average: 'none' })).toBeCloseTo(report.perClass.negative.recall, 10);
    expect(gaugeValue(before, 'model_confusion_matrix', { ...target, true_label: 'neutral', predicted_label: 'positive' })).toBe(report.confusionMatrix[1][2]);
    expect(before).toMatch(/evaluation_jobs_total\{[^}]*state="completed"[^}]*\} 1/);
    expect(before).toMatch(/evaluation_queue_jobs\{[^}]*state="waiting"[^}]*\} 0/);

    expect(await worker.stop('SIGTERM')).toBe(0); // graceful: finishes, closes, exits 0
    const restarted = await startWorker();
    expect(gaugeValue(await restarted.metrics(), 'model_accuracy', target)).toBeCloseTo(report.accuracy, 10);
  }, 120_000);

  it('predicts with the model named by model_name, not only labels the result with it', async () => {
    const other = join(datasetsDir, 'other-model');
    await buildTinyModelInto(other, { seed: 99 });
    if (workers.length === 0) await startWorker();
    const accepted = await gateway.post(`/api/v1/evaluate?dataset=tweet_eval&split=validation&samples=30&model_name=${encodeURIComponent(other)}`, '');
    expect(accepted.status).toBe(202);
    const run = await finished(accepted.body.jobId);
    expect(run).toMatchObject({ status: 'completed', modelName: other, resolvedModel: other });
    const defaultRuns = await gateway.get(`/api/v1/evaluations?model_name=${encodeURIComponent(model)}&status=completed`);
    expect(run.modelVersion).not.toBe(defaultRuns.body.items[0].modelVersion);
  }, 60_000);

  it('finishes a job once, with one result row, when its worker is killed mid-job', async () => {
    const doomed = await startWorker({ EVAL_CHUNK_SIZE: '1', WORKER_ID: 'doomed-worker' });
    await Promise.all(workers.filter((w) => w !== doomed).map((w) => w.stop('SIGKILL')));
    const accepted = await gateway.post('/api/v1/evaluate?dataset=tweet_eval&split=test&samples=600&sampling=first', '');
    expect(accepted.status).toBe(202);
    const id = accepted.body.jobId;
    await waitFor(async () => (await gateway.get(`/api/v1/evaluations/${id}`)).body.progress > 0.05, { timeoutMs: 30_000, what: 'the job to be under way' });
    await doomed.stop('SIGKILL');

    await startWorker({ EVAL_CHUNK_SIZE: '50' });
    const run = await finished(id, 90_000);
    expect(run.status).toBe('completed');
    expect(run.samplesEvaluated).toBe(600);
    expect(run.attempts).toBeGreaterThanOrEqual(2);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      expect(Number((await client.query('SELECT count(*) FROM evaluation_runs WHERE id = $1', [id])).rows[0].count)).toBe(1);
      expect(Number((await client.query('SELECT count(*) FROM evaluation_class_metrics WHERE run_id = $1', [id])).rows[0].count)).toBe(3);
    } finally {
      await client.end();
    }
  }, 150_000);

  it('cancels a queued evaluation', async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    const accepted = await gateway.post('/api/v1/evaluate?dataset=tweet_eval&split=validation', '');
    const response = await gateway.delete(`/api/v1/evaluations/${accepted.body.jobId}`);
    expect(response.status).toBe(200);
    expect((response.body as EvaluationRun).status).toBe('cancelled');
    const again = await gateway.delete(`/api/v1/evaluations/${accepted.body.jobId}`);
    expect(again.status).toBe(409);
    await startWorker();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await gateway.get(`/api/v1/evaluations/${accepted.body.jobId}`)).body.status).toBe('cancelled');
  }, 60_000);

  it('starts offline without datasets and fails each evaluation with the reason', async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
    await startWorker({ DATASETS_DIR: '' });
    const accepted = await gateway.post('/api/v1/evaluate?dataset=tweet_eval&split=test&samples=10', '');
    const run = await finished(accepted.body.jobId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/DATASETS_DIR/);
  }, 60_000);

  it.each([
    ['dataset=nope', 'dataset', 'tweet_eval'],
    ['split=nope', 'split', 'validation'],
    ['model_name=./no/such/model', 'model_name', 'no/such/model'],
    ['samples=0', 'samples', 'at least 1'],
    ['samples=-5', 'samples', 'whole number'],
    ['samples=1.5', 'samples', 'whole number'],
    ['samples=abc', 'samples', 'whole number'],
    ['samples=1001', 'samples', 'at most 1000'],
    ['sampling=sideways', 'sampling', 'first, random, stratified'],
  ])('refuses %s with 422 naming the parameter', async (query, field, message) => {
    const response = await gateway.post(`/api/v1/evaluate?${query}`, '');
    expect(response.status).toBe(422);
    expect(response.body.detail[0]).toMatchObject({ field, loc: ['query', field] });
    expect(response.body.detail[0].msg).toContain(message);
  });

  it('answers 404 for an unknown evaluation and 422 for a malformed id', async () => {
    expect((await gateway.get('/api/v1/evaluations/7d0c5a4e-0000-4000-8000-000000000000')).status).toBe(404);
    const malformed = await gateway.get('/api/v1/evaluations/not-a-uuid');
    expect(malformed.status).toBe(422);
    expect(malformed.body.detail[0].field).toBe('id');
  });
});
