import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MonitoringQueueName, type ComparisonReport, type DriftReport, type EvaluationRun, type ScheduleView } from '@sentiment-ops/contracts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { migrateDatabase } from '@sentiment-ops/persistence';
import {
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
import { startGateway, TEST_API_KEYS, TEST_KEYS, type RunningGateway } from './test/gateway-harness';

const LABELS = ['negative', 'neutral', 'positive'] as const;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** TweetEval- and Amazon-shaped folders (DATASETS_DIR layout), Amazon with much longer texts. */
const writeDatasets = (dir: string): void => {
  const words = ['great', 'awful', 'meeting', 'love', 'hate', 'tuesday', 'fine', 'broken', 'today', 'happy'];
  const tweet = (i: number) => JSON.stringify({ text: `${words[i % 10]} ${words[(i * 3) % 10]} number ${i}`, label: LABELS[i % 3] });
  mkdirSync(join(dir, 'tweeteval_sentiment'), { recursive: true });
  writeFileSync(join(dir, 'tweeteval_sentiment', 'test.jsonl'), `${Array.from({ length: 300 }, (_, i) => tweet(i)).join('\n')}\n`);
  writeFileSync(join(dir, 'tweeteval_sentiment', 'val.jsonl'), `${Array.from({ length: 120 }, (_, i) => tweet(i + 1000)).join('\n')}\n`);
  mkdirSync(join(dir, 'amazon_reviews_multi_en'), { recursive: true });
  const review = (i: number) => JSON.stringify({ text: `${words[i % 10]} product, ${words[(i * 7) % 10]} delivery and ${words[(i * 3) % 10]} support. `.repeat(3), label: [0, 2, 4][i % 3] });
  writeFileSync(join(dir, 'amazon_reviews_multi_en', 'test.jsonl'), `${Array.from({ length: 200 }, (_, i) => review(i)).join('\n')}\n`);
};

// Both built-in schedules end to end, triggered through the API: gateway (in process), a real
// evaluation worker and inference replica (processes), Redis and Postgres.
describe('scheduled model evaluation and drift monitoring (gateway + worker + inference)', () => {
  const prefix = uniquePrefix('schedules');
  let database: TestDatabase;
  let datasetsDir: string;
  let model: string;
  let replica: InferenceReplica;
  let gateway: RunningGateway;
  let worker: WorkerProcess | undefined;

  const startWorker = async (extra: Record<string, string>) => {
    await worker?.stop('SIGTERM');
    worker = await startEvaluationWorker({
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      DATABASE_URL: database.url,
      DATASETS_DIR: datasetsDir,
      HF_HUB_OFFLINE: '1',
      MODEL_EVALUATION_SAMPLES: '60',
      DRIFT_CALIBRATION_SAMPLES: '90',
      ...extra,
    });
  };
  const report = <T extends { status: string }>(path: string, timeoutMs = 90_000) =>
    waitFor(
      async () => {
        const { body } = await gateway.get(path);
        return ['completed', 'failed'].includes(body?.status) ? (body as T) : undefined;
      },
      { timeoutMs, intervalMs: 200, what: `${path} to finish` },
    );

  beforeAll(async () => {
    model = await ensureTinyModel();
    database = await createTestDatabase('schedules');
    await migrateDatabase(database.url);
    datasetsDir = mkdtempSync(join(tmpdir(), 'datasets-'));
    writeDatasets(datasetsDir);
    replica = await startInferenceReplica({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, MODEL_ID: model, HF_HUB_OFFLINE: '1', INTRA_OP_THREADS: '1', MODEL_FOLDERS: [tmpdir(), dirname(model)].join(',') });
    gateway = await startGateway(
      {
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        DATABASE_URL: database.url,
        API_KEYS: TEST_API_KEYS,
        RATE_LIMIT_PER_KEY_PER_MINUTE: '0',
        PREDICTION_LOG_SAMPLE_RATE: '1',
        PREDICTION_LOG_FLUSH_MS: '100',
      },
      { apiKey: TEST_KEYS.admin },
    );
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await worker?.stop('SIGKILL');
    await replica?.stop();
    await database?.drop();
    await deleteKeys(prefix);
    rmSync(datasetsDir, { recursive: true, force: true });
  });

  it('lists both schedules once, however many times the worker starts', async () => {
    await startWorker({ MODEL_EVALUATION_CANDIDATE_MODEL: model });
    await startWorker({ MODEL_EVALUATION_CANDIDATE_MODEL: model });
    const { status, body } = await gateway.get('/api/v1/schedules');
    expect(status).toBe(200);
    const schedules = body as ScheduleView[];
    expect(schedules.map((s) => [s.id, s.pattern, s.timezone, s.enabled])).toEqual([
      ['drift-monitoring', '0 */12 * * *', 'UTC', true],
      ['model-evaluation', '0 * * * *', 'UTC', true],
    ]);
    for (const schedule of schedules) expect(Date.parse(schedule.nextRunAt as string)).toBeGreaterThan(Date.now());
    // In Redis too: one job scheduler and one pending job per schedule.
    const queue = new Queue(MonitoringQueueName, { connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 }), prefix: `${prefix}:bull` });
    try {
      expect(await queue.getJobSchedulersCount()).toBe(2);
      expect(await queue.getDelayedCount()).toBe(2);
    } finally {
      await queue.close();
      (queue.opts.connection as Redis).disconnect();
    }
  }, 120_000);

  it('runs the model-evaluation flow on demand: the parent report waits for every child and compares the models', async () => {
    const accepted = await gateway.post('/api/v1/schedules/model-evaluation/run', '');
    expect(accepted.status).toBe(202);
    const comparison = await report<ComparisonReport>(accepted.body.reportUrl);
    expect(comparison).toMatchObject({ status: 'completed', trigger: 'manual', partial: false });
    expect(comparison.entries.map((e) => [e.role, e.dataset, e.status])).toEqual([
      ['production', 'tweet_eval', 'completed'],
      ['candidate', 'tweet_eval', 'completed'],
      ['candidate', 'mteb/amazon_reviews_multi', 'completed'],
    ]);
    // The tiny model is both the default and the candidate here: same rows, same seed, no difference.
    expect(comparison.deltas).toEqual([expect.objectContaining({ dataset: 'tweet_eval', accuracyDelta: 0, macroF1Delta: 0 })]);
    for (const runId of comparison.runIds) {
      const run = (await gateway.get(`/api/v1/evaluations/${runId}`)).body as EvaluationRun;
      expect(run).toMatchObject({ status: 'completed', samplesEvaluated: 60 });
      expect(Date.parse(comparison.finishedAt as string)).toBeGreaterThanOrEqual(Date.parse(run.finishedAt as string));
    }
    const markdown = await gateway.get(`${accepted.body.reportUrl}.md`);
    expect(markdown.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(markdown.text).toContain('3 of 3 evaluations completed');
    const png = await fetch(`${gateway.url}${accepted.body.reportUrl}.png`, { headers: { 'X-API-Key': TEST_KEYS.admin } });
    expect(Buffer.from(await png.arrayBuffer()).subarray(0, 8)).toEqual(PNG_SIGNATURE);
  }, 150_000);

  it('flags the report as partial, naming the failed child, when an evaluation fails', async () => {
    await startWorker({ MODEL_EVALUATION_CANDIDATE_MODEL: join(tmpdir(), 'no-such-model'), MODEL_EVALUATION_CANDIDATE_DATASETS: 'tweet_eval:test' });
    expect((await gateway.get('/api/v1/schedules')).body).toHaveLength(2);
    const accepted = await gateway.post('/api/v1/schedules/model-evaluation/run', '');
    const comparison = await report<ComparisonReport>(accepted.body.reportUrl);
    expect(comparison).toMatchObject({ status: 'completed', partial: true, deltas: [] });
    expect(comparison.entries.map((e) => [e.role, e.status])).toEqual([
      ['production', 'completed'],
      ['candidate', 'failed'],
    ]);
    expect(comparison.entries[1].error).toMatch(/no-such-model/);
    const markdown = (await gateway.get(`${accepted.body.reportUrl}.md`)).text;
    expect(markdown).toContain('**Partial report**: 1 evaluation(s) did not complete');
    expect(markdown).toContain('## Evaluations that did not complete');
  }, 150_000);

  it('runs drift monitoring on live traffic against a labelled dataset, and the schedule on demand', async () => {
    // Live traffic of long, review-like texts, logged by the gateway (sample rate 1).
    const texts = Array.from({ length: 40 }, (_, i) => `The ${['great', 'awful', 'fine'][i % 3]} product arrived ${i} days late, the box was damaged and support never answered my emails about it.`);
    for (let i = 0; i < texts.length; i += 20) expect((await gateway.post('/api/v1/sentiment/batch', { texts: texts.slice(i, i + 20) })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the log flushes every 100 ms

    const accepted = await gateway.post('/api/v1/drift/run', { reference: { dataset: 'tweet_eval', split: 'test', samples: 120 } });
    expect(accepted.status).toBe(202);
    const drift = await report<DriftReport>(`/api/v1/drift/reports/${accepted.body.reportId}`);
    expect(drift.status).toBe('completed');
    const result = drift.result!;
    expect(result.reference).toMatchObject({ kind: 'dataset', rows: 120 });
    expect(result.current).toMatchObject({ kind: 'log', rows: 40 });
    // Reviews are far longer than the tweets: text length drifts, whatever the tiny model predicts.
    expect(result.features.find((f) => f.feature === 'text_length')).toMatchObject({ status: 'ok', test: 'ks', drifted: true });
    expect(drift.alerts.map((a) => a.type)).toContain('TEXT_LENGTH_DRIFT');
    expect(result.estimatedAccuracy).toMatchObject({ status: 'ok', calibration: { dataset: 'tweet_eval', split: 'validation', rows: 90 } });
    expect((await gateway.get(`/api/v1/drift/reports/${drift.id}.md`)).text).toContain('| text_length | KS p-value |');
    const png = await fetch(`${gateway.url}/api/v1/drift/reports/${drift.id}.png`, { headers: { 'X-API-Key': TEST_KEYS.admin } });
    expect(png.headers.get('content-type')).toBe('image/png');

    // The schedule itself, run now: the default windows (previous 7 days vs last 12 hours) hold no reference traffic.
    const scheduled = await gateway.post('/api/v1/schedules/drift-monitoring/run', '');
    expect(scheduled.status).toBe(202);
    const defaultRun = await report<DriftReport>(scheduled.body.reportUrl);
    expect(defaultRun).toMatchObject({ status: 'completed', trigger: 'manual', result: { reference: { kind: 'log', rows: 0 }, current: { rows: 40 }, dataset: { status: 'insufficient_data', drifted: null } } });
    const listed = (await gateway.get('/api/v1/schedules')).body as ScheduleView[];
    expect(listed.find((s) => s.id === 'drift-monitoring')?.lastRun).toMatchObject({ reportId: defaultRun.id, status: 'completed' });
  }, 150_000);
});
