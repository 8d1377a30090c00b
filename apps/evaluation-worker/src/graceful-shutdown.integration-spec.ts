import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { EVALUATION_JOB_OPTIONS, JobName, QueueName, type EvaluateDatasetJobData } from '@sentiment-ops/contracts';
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
} from '@sentiment-ops/testing';

const LABELS = ['negative', 'neutral', 'positive'] as const;

// SIGTERM while an evaluation runs: the worker must finish it with the connections it still needs
// (they used to be closed in parallel with the drain, failing the job), then exit 0.
describe('evaluation worker SIGTERM mid-evaluation', () => {
  const prefix = uniquePrefix('worker-sigterm');
  let database: TestDatabase;
  let datasetsDir: string;
  let replica: InferenceReplica;
  let queue: Queue<EvaluateDatasetJobData>;

  beforeAll(async () => {
    const model = await ensureTinyModel();
    database = await createTestDatabase('worker_sigterm');
    await migrateDatabase(database.url);
    datasetsDir = mkdtempSync(join(tmpdir(), 'datasets-'));
    mkdirSync(join(datasetsDir, 'tweeteval_sentiment'));
    const rows = Array.from({ length: 1500 }, (_, i) => JSON.stringify({ text: `row ${i} of a long evaluation`, label: LABELS[i % 3] }));
    writeFileSync(join(datasetsDir, 'tweeteval_sentiment', 'test.jsonl'), `${rows.join('\n')}\n`);
    replica = await startInferenceReplica({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, MODEL_ID: model, HF_HUB_OFFLINE: '1', INTRA_OP_THREADS: '1' });
    queue = new Queue(QueueName.Evaluation, { connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 }), prefix: `${prefix}:bull` });
  }, 120_000);

  afterAll(async () => {
    await queue?.close();
    (queue?.opts.connection as Redis | undefined)?.disconnect();
    await replica?.stop();
    await database?.drop();
    await deleteKeys(prefix);
    rmSync(datasetsDir, { recursive: true, force: true });
  });

  it('finishes the running evaluation, stores it once and exits 0', async () => {
    const worker = await startEvaluationWorker({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATABASE_URL: database.url, DATASETS_DIR: datasetsDir, HF_HUB_OFFLINE: '1', EVAL_CHUNK_SIZE: '4' });
    const runId = randomUUID();
    const data = { runId, dataset: 'tweet_eval', split: 'test', samples: 1500, sampling: 'first', seed: 42, modelName: null } satisfies EvaluateDatasetJobData;
    await queue.add(JobName.EvaluateDataset, data, { ...EVALUATION_JOB_OPTIONS, jobId: runId });
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const run = async () => (await client.query('SELECT status, attempts, progress FROM evaluation_runs WHERE id = $1', [runId])).rows[0];
      await waitFor(async () => (await run())?.progress > 0.05, { timeoutMs: 30_000, what: 'the evaluation to be under way' });

      expect(await worker.stop('SIGTERM', 30_000)).toBe(0);

      expect(await run()).toMatchObject({ status: 'completed', attempts: 1, progress: 1 });
      expect(Number((await client.query('SELECT count(*) FROM evaluation_class_metrics WHERE run_id = $1', [runId])).rows[0].count)).toBe(3);
    } finally {
      await client.end();
    }
  }, 90_000);
});
