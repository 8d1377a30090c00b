import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { INFERENCE_SERVICE, type EvaluationRun } from '@sentiment-ops/contracts';
import { migrateDatabase } from '@sentiment-ops/persistence';
import { readStreamStats } from '@sentiment-ops/redis-rpc';
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
import { startGateway, TEST_API_KEYS, TEST_KEYS, type HarnessResponse, type RunningGateway } from './test/gateway-harness';

/** A sample's value from the text exposition format (every series carries the `service` label). */
const metricValue = (metrics: string, name: string, labels: Record<string, string> = {}): number => {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? 0 : Number(line.trim().split(/\s+/).pop());
};

/** A request that did not end within `ms` is still queued (answered requests here take milliseconds). */
const stillQueued = async (response: Promise<HarnessResponse>, ms = 300): Promise<boolean> =>
  (await Promise.race([response.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), ms))])) === true;

// Live-lane backpressure end to end: the gateway under test, a second gateway (another replica,
// no limits) whose requests fill the lane, an inference replica started late or paused with
// SIGSTOP, and an evaluation worker yielding to live traffic. Real Redis, Postgres and processes.
describe('backpressure: live queue budget and bulk yielding', () => {
  const prefix = uniquePrefix('backpressure');
  let model: string;
  let database: TestDatabase;
  let datasetsDir: string;
  let redis: Redis;
  let gateway: RunningGateway;
  let other: RunningGateway;
  let replica: InferenceReplica | undefined;
  let worker: WorkerProcess | undefined;

  const startReplica = async () =>
    (replica = await startInferenceReplica({
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      MODEL_ID: model,
      HF_HUB_OFFLINE: '1',
      INTRA_OP_THREADS: '1',
      // Paused replicas keep what they hold: nothing is reclaimed behind the test's back.
      RPC_VISIBILITY_TIMEOUT_MS: '120000',
    }));
  /** The replica a test pauses (each test can run alone: the first one starts it late on purpose). */
  const pausedReplica = async () => {
    const running = replica ?? (await startReplica());
    running.child.kill('SIGSTOP');
    return running;
  };
  const liveLane = async () => (await readStreamStats(redis, { prefix, service: INFERENCE_SERVICE }))[0];
  const bulkLane = async () => (await readStreamStats(redis, { prefix, service: INFERENCE_SERVICE }))[1];
  const gatewayMetrics = async () => (await gateway.get('/admin/metrics')).text;
  /** Live requests from the other gateway, left waiting while no replica answers. */
  const fillLane = (count: number) => Array.from({ length: count }, (_, i) => other.post('/api/v1/sentiment', { text: `queued request ${i}` }));
  const seenBacklog = (atLeast: number) =>
    waitFor(async () => metricValue(await gatewayMetrics(), 'live_queue_backlog_items') >= atLeast, { what: `the gateway to see ${atLeast} queued texts` });

  beforeAll(async () => {
    model = await ensureTinyModel();
    database = await createTestDatabase('backpressure');
    await migrateDatabase(database.url);
    datasetsDir = mkdtempSync(join(tmpdir(), 'datasets-'));
    const labels = ['negative', 'neutral', 'positive'];
    mkdirSync(join(datasetsDir, 'tweeteval_sentiment'));
    writeFileSync(join(datasetsDir, 'tweeteval_sentiment', 'test.jsonl'), labels.flatMap((label) => Array.from({ length: 10 }, (_, i) => JSON.stringify({ text: `${label} text ${i}`, label }))).join('\n') + '\n');
    redis = new Redis(TEST_REDIS_URL);
    const common = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATABASE_URL: database.url, API_KEYS: TEST_API_KEYS, RATE_LIMIT_PER_KEY_PER_MINUTE: '0' };
    gateway = await startGateway({ ...common, INFERENCE_TIMEOUT_MS: '30000', LIVE_QUEUE_MAX_DEPTH: '100', LIVE_QUEUE_MAX_WAIT_MS: '0' }, { apiKey: TEST_KEYS.operator });
    other = await startGateway({ ...common, INFERENCE_TIMEOUT_MS: '60000', LIVE_QUEUE_MAX_DEPTH: '0', LIVE_QUEUE_MAX_WAIT_MS: '0' }, { apiKey: TEST_KEYS.predict });
  }, 120_000);

  afterAll(async () => {
    replica?.child.kill('SIGCONT');
    await Promise.all([gateway?.close(), other?.close(), worker?.stop('SIGKILL'), replica?.stop('SIGKILL')]);
    redis?.disconnect();
    await database?.drop();
    await deleteKeys(prefix);
    rmSync(datasetsDir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After at once while the live lane is over LIVE_QUEUE_MAX_DEPTH, and serves again once a replica drains it', async () => {
    const queued = fillLane(101);
    await seenBacklog(101);

    const started = Date.now();
    const refused = await gateway.post('/api/v1/sentiment', { text: 'one more' });
    const elapsedMs = Date.now() - started;
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', requestId: expect.any(String) });
    const [, waiting, retryIn] = /^live queue is full: (\d+) items waiting \(limit 100, LIVE_QUEUE_MAX_DEPTH\); retry in (\d+) s$/.exec(refused.body.message) ?? [];
    expect(Number(waiting)).toBeGreaterThanOrEqual(101);
    expect(refused.headers.get('retry-after')).toBe(retryIn);
    expect(Number(retryIn)).toBeGreaterThanOrEqual(1);
    // Refused, not queued: far from the 30 s deadline (a generous bound; it takes milliseconds).
    expect(elapsedMs).toBeLessThan(5_000);
    expect(metricValue(await gatewayMetrics(), 'http_backpressure_rejections_total', { limit: 'depth' })).toBe(1);

    await startReplica();
    expect((await Promise.all(queued)).map((r) => r.status)).toEqual(Array(101).fill(200));
    const served = await waitFor(
      async () => {
        const response = await gateway.post('/api/v1/sentiment', { text: 'room again' });
        return response.status === 200 ? response : undefined;
      },
      { what: 'the gateway to admit requests again' },
    );
    expect(served.body.text).toBe('room again');
  }, 120_000);

  it("counts a batch request's texts against the budget", async () => {
    const paused = await pausedReplica();
    const queued = fillLane(40);
    await seenBacklog(40);

    const refused = await gateway.post('/api/v1/sentiment/batch', { texts: Array.from({ length: 70 }, (_, i) => `batch text ${i}`) });
    expect(refused.status).toBe(503);
    expect(refused.body.message).toMatch(/^live queue is full: 40 items waiting \+ 70 in this request \(limit 100, LIVE_QUEUE_MAX_DEPTH\); retry in \d+ s$/);
    // A smaller batch still fits (40 + 60 = 100) and waits for the replica like any admitted request.
    const admitted = gateway.post('/api/v1/sentiment/batch', { texts: Array.from({ length: 60 }, (_, i) => `fitting text ${i}`) });
    expect(await stillQueued(admitted)).toBe(true);

    paused.child.kill('SIGCONT');
    expect((await admitted).status).toBe(200);
    expect((await Promise.all(queued)).every((r) => r.status === 200)).toBe(true);
  }, 60_000);

  it('holds evaluation bulk requests back while live requests are queued, resumes when they drain, and can be cancelled meanwhile', async () => {
    const running = (worker = await startEvaluationWorker({
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      DATABASE_URL: database.url,
      DATASETS_DIR: datasetsDir,
      HF_HUB_OFFLINE: '1',
      EVAL_CONCURRENCY: '2',
      EVAL_CHUNK_SIZE: '10',
      BULK_YIELD_LIVE_DEPTH: '0',
    }));
    const paused = await pausedReplica();
    const queued = fillLane(5);
    await waitFor(async () => {
      const live = await liveLane();
      return live.waiting + live.pending === 5;
    });

    const [kept, cancelled] = await Promise.all(['7', '8'].map((seed) => gateway.post(`/api/v1/evaluate?dataset=tweet_eval&split=test&samples=30&seed=${seed}`, '')));
    expect([kept.status, cancelled.status]).toEqual([202, 202]);
    const statusOf = async (id: string) => ((await gateway.get(`/api/v1/evaluations/${id}`)).body as EvaluationRun).status;
    await waitFor(async () => (await statusOf(kept.body.jobId)) === 'running' && (await statusOf(cancelled.body.jobId)) === 'running', { what: 'both runs to start' });
    await waitFor(async () => metricValue(await running.metrics(), 'evaluation_throttled_seconds_total') > 0, { what: 'the worker to hold back' });
    // Live traffic is queued: not one bulk request went out.
    expect((await bulkLane()).length).toBe(0);

    expect((await gateway.delete(`/api/v1/evaluations/${cancelled.body.jobId}`)).status).toBe(200);
    await waitFor(async () => metricValue(await running.metrics(), 'evaluation_jobs_total', { state: 'cancelled' }) === 1, { what: 'the held-back run to end as cancelled' });
    expect((await bulkLane()).length).toBe(0);
    expect(await statusOf(kept.body.jobId)).toBe('running');

    paused.child.kill('SIGCONT');
    expect((await Promise.all(queued)).every((r) => r.status === 200)).toBe(true);
    const run = await waitFor(
      async () => {
        const { body } = await gateway.get(`/api/v1/evaluations/${kept.body.jobId}`);
        return body.status === 'completed' ? (body as EvaluationRun) : undefined;
      },
      { timeoutMs: 60_000, what: 'the kept run to complete' },
    );
    expect(run).toMatchObject({ progress: 1, samplesEvaluated: 30 });
    // Its three chunks went out on the bulk lane only after the live lane had drained.
    expect((await bulkLane()).length).toBe(3);
  }, 120_000);
});
