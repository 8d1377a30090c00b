import type { Pool } from 'pg';
import { EvaluationRunRepository } from './evaluation-run.repository';
import { runMigrations } from './migrator';
import { PersistenceErrorCode } from './persistence.errors';
import { createPgPool } from './pg-pool';
import { classificationReportFixture, evaluationParams, newRunId } from '../test/factories';
import { createTestDatabase } from '../test/test-database';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('EvaluationRunRepository', () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: Pool;
  let repo: EvaluationRunRepository;

  const completion = (resolvedModel = 'cardiffnlp/twitter-roberta-base-sentiment-latest') => ({
    report: classificationReportFixture(),
    resolvedModel,
    modelVersion: 'sha256:abc',
    samplesEvaluated: 14,
    durationMs: 1234,
  });
  const count = async (table: string, id: string): Promise<number> =>
    (await pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${table === 'evaluation_runs' ? 'id' : 'run_id'} = $1`, [id])).rows[0].n;
  const setTimes = (id: string, createdAt: string, finishedAt?: string) =>
    pool.query('UPDATE evaluation_runs SET created_at = $2, finished_at = COALESCE($3, finished_at) WHERE id = $1', [id, createdAt, finishedAt ?? null]);

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPgPool({ url: db.url, applicationName: 'repository-spec' });
    await runMigrations(pool);
    repo = new EvaluationRunRepository(pool);
  });

  beforeEach(async () => {
    await pool.query('TRUNCATE evaluation_runs CASCADE');
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('creates a queued run in the contracts shape, idempotently', async () => {
    const id = newRunId();
    const run = await repo.create(id, evaluationParams({ samples: null, sampling: 'random', seed: 2 ** 40 }));
    expect(run).toEqual({
      id,
      status: 'queued',
      dataset: 'tweet_eval',
      split: 'test',
      samples: null,
      sampling: 'random',
      seed: 2 ** 40,
      modelName: 'cardiffnlp/twitter-roberta-base-sentiment-latest',
      progress: 0,
      resolvedModel: null,
      modelVersion: null,
      samplesEvaluated: null,
      createdAt: expect.stringMatching(ISO),
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      attempts: 0,
      error: null,
      ownerKey: null,
      report: null,
    });
    // A redelivered request with the same id returns the first row and inserts nothing.
    const twice = await Promise.all([repo.create(id, evaluationParams({ dataset: 'other' })), repo.create(id, evaluationParams())]);
    expect(twice).toEqual([run, run]);
    expect(await count('evaluation_runs', id)).toBe(1);
    expect(await repo.get(id)).toEqual(run);
  });

  it('validates ids and parameters, and treats foreign ids as absent', async () => {
    await expect(repo.create('job-1', evaluationParams())).rejects.toMatchObject({ code: PersistenceErrorCode.InvalidArgument });
    await expect(repo.create(newRunId(), evaluationParams({ samples: 0 }))).rejects.toThrow(/samples/);
    await expect(repo.create(newRunId(), evaluationParams({ seed: 1.5 }))).rejects.toThrow(/seed/);
    expect(await repo.get('job-1')).toBeNull();
    expect(await repo.get(newRunId())).toBeNull();
    expect(await repo.cancel('job-1')).toBe(false);
  });

  it('walks a run through running, progress, completion', async () => {
    const id = newRunId();
    await repo.create(id, evaluationParams({ modelName: null }));
    expect(await repo.updateProgress(id, 0.5)).toBe(false); // not running yet
    expect(await repo.markRunning(id, 1)).toBe(true);
    expect(await repo.updateProgress(id, 0.25)).toBe(true);
    let run = await repo.get(id);
    expect(run).toMatchObject({ status: 'running', attempts: 1, progress: 0.25, startedAt: expect.stringMatching(ISO) });
    await repo.updateProgress(id, 1.7);
    expect((await repo.get(id))?.progress).toBe(1); // clamped

    expect(await repo.complete(id, completion())).toBe(true);
    run = await repo.get(id);
    expect(run).toMatchObject({
      status: 'completed',
      progress: 1,
      resolvedModel: 'cardiffnlp/twitter-roberta-base-sentiment-latest',
      modelVersion: 'sha256:abc',
      samplesEvaluated: 14,
      durationMs: 1234,
      finishedAt: expect.stringMatching(ISO),
      error: null,
    });
    // Doubles survive the round trip exactly; the report is rebuilt with per-class rows and matrix.
    expect(run?.report).toEqual(classificationReportFixture());
    expect(await repo.updateProgress(id, 0.1)).toBe(false);
    expect(await repo.markRunning(id, 2)).toBe(false);
  });

  it('replaces, never duplicates, when a completion is stored twice', async () => {
    const id = newRunId();
    await repo.create(id, evaluationParams());
    await repo.markRunning(id, 1);
    await repo.complete(id, completion());
    const better = classificationReportFixture({
      accuracy: 0.9,
      perClass: { ...classificationReportFixture().perClass, neutral: { precision: 0.9, recall: 0.8, f1: 0.85, support: 6 } },
    });
    await Promise.all([repo.complete(id, { ...completion(), report: better }), repo.complete(id, { ...completion(), report: better })]);
    expect(await count('evaluation_runs', id)).toBe(1);
    expect(await count('evaluation_class_metrics', id)).toBe(3);
    const run = await repo.get(id);
    expect(run?.report?.accuracy).toBe(0.9);
    expect(run?.report?.perClass.neutral).toEqual({ precision: 0.9, recall: 0.8, f1: 0.85, support: 6 });
  });

  it('rejects a malformed report without touching the run', async () => {
    const id = newRunId();
    await repo.create(id, evaluationParams());
    const report = classificationReportFixture({ confusionMatrix: [[1, 2, 3]] });
    await expect(repo.complete(id, { ...completion(), report })).rejects.toThrow(/confusionMatrix/);
    expect((await repo.get(id))?.status).toBe('queued');
  });

  it('fails, retries and keeps final states final', async () => {
    const id = newRunId();
    await repo.create(id, evaluationParams());
    await repo.markRunning(id, 1);
    expect(await repo.fail(id, 'inference unavailable')).toBe(true);
    expect(await repo.get(id)).toMatchObject({ status: 'failed', error: 'inference unavailable', finishedAt: expect.stringMatching(ISO) });
    // BullMQ retries: the run runs again, then succeeds; the error is cleared.
    expect(await repo.markRunning(id, 2)).toBe(true);
    expect(await repo.get(id)).toMatchObject({ status: 'running', attempts: 2, finishedAt: null });
    await repo.complete(id, completion());
    expect(await repo.fail(id, 'late failure')).toBe(false);
    expect(await repo.cancel(id)).toBe(false);
    expect(await repo.get(id)).toMatchObject({ status: 'completed', error: null, attempts: 2 });
  });

  it('cancels only queued or running runs, and a cancelled run stays cancelled', async () => {
    const queued = newRunId();
    await repo.create(queued, evaluationParams());
    expect(await repo.cancel(queued)).toBe(true);
    expect(await repo.cancel(queued)).toBe(false);

    const running = newRunId();
    await repo.create(running, evaluationParams());
    await repo.markRunning(running, 1);
    expect(await repo.cancel(running)).toBe(true);
    // The worker finishes anyway: nothing it reports changes the cancelled run.
    expect(await repo.complete(running, completion())).toBe(false);
    expect(await repo.fail(running, 'x')).toBe(false);
    expect(await repo.markRunning(running, 2)).toBe(false);
    expect(await repo.updateProgress(running, 0.9)).toBe(false);
    expect(await repo.get(running)).toMatchObject({ status: 'cancelled', report: null, error: null, finishedAt: expect.stringMatching(ISO) });
    expect(await count('evaluation_class_metrics', running)).toBe(0);
    expect(await repo.complete(newRunId(), completion())).toBe(false); // unknown run
  });

  it('lists newest first with filters, pagination and a total', async () => {
    const make = async (n: number, params: Parameters<typeof evaluationParams>[0], resolvedModel?: string) => {
      const id = newRunId();
      await repo.create(id, evaluationParams(params));
      if (resolvedModel) await repo.complete(id, completion(resolvedModel));
      await setTimes(id, `2024-01-0${n}T00:00:00Z`);
      return id;
    };
    const r1 = await make(1, { modelName: 'model-a' }, 'model-a');
    const r2 = await make(2, { modelName: 'model-b', split: 'validation' });
    const r3 = await make(3, { modelName: null }, 'model-a'); // default model that resolved to model-a
    const r4 = await make(4, { modelName: 'model-b', dataset: 'amazon_reviews_multi' });
    const r5 = await make(5, { modelName: 'model-a', split: 'validation' });

    const all = await repo.list();
    expect(all.total).toBe(5);
    expect(all.items.map((r) => r.id)).toEqual([r5, r4, r3, r2, r1]);
    expect(all.items.find((r) => r.id === r1)?.report?.perClass.positive.support).toBe(3);

    expect((await repo.list({ modelName: 'model-a' })).items.map((r) => r.id)).toEqual([r5, r3, r1]);
    expect((await repo.list({ modelName: 'model-b', dataset: 'tweet_eval' })).items.map((r) => r.id)).toEqual([r2]);
    expect((await repo.list({ split: 'validation' })).total).toBe(2);
    expect((await repo.list({ status: 'completed' })).items.map((r) => r.id)).toEqual([r3, r1]);
    expect(await repo.list({ dataset: 'nope' })).toEqual({ items: [], total: 0 });

    const pages = await Promise.all([0, 2, 4, 6].map((offset) => repo.list({ limit: 2, offset })));
    expect(pages.map((p) => p.items.map((r) => r.id))).toEqual([[r5, r4], [r3, r2], [r1], []]);
    expect(pages.map((p) => p.total)).toEqual([5, 5, 5, 5]);
  });

  it('caps the page size at 100', async () => {
    await pool.query(`INSERT INTO evaluation_runs (id, dataset, split, sampling, seed)
                      SELECT gen_random_uuid(), 'bulk', 'test', 'first', 0 FROM generate_series(1, 105)`);
    const page = await repo.list({ dataset: 'bulk', limit: 1000 });
    expect([page.items.length, page.total]).toEqual([100, 105]);
    expect((await repo.list({ dataset: 'bulk' })).items).toHaveLength(20);
  });

  it('finds the newest completed run per (model, dataset, split)', async () => {
    const make = async (params: Parameters<typeof evaluationParams>[0], finishedDay: number, resolvedModel?: string) => {
      const id = newRunId();
      await repo.create(id, evaluationParams(params));
      if (resolvedModel) await repo.complete(id, completion(resolvedModel));
      await setTimes(id, `2024-02-01T00:00:00Z`, `2024-02-${String(finishedDay).padStart(2, '0')}T00:00:00Z`);
      return id;
    };
    await make({ modelName: 'model-a' }, 1, 'model-a');
    const newestA = await make({ modelName: 'model-a' }, 3, 'model-a');
    await make({ modelName: 'model-a' }, 2, 'model-a');
    await make({ modelName: 'model-a' }, 9); // newer but never completed
    const aValidation = await make({ modelName: 'model-a', split: 'validation' }, 1, 'model-a');
    await make({ modelName: null }, 4, 'model-b'); // the default model resolved to model-b ...
    const newestB = await make({ modelName: 'b-alias' }, 5, 'model-b'); // ... and an alias of it: one target
    const failed = newRunId();
    await repo.create(failed, evaluationParams({ modelName: 'model-c' }));
    await repo.fail(failed, 'boom');

    const latest = await repo.latestCompletedPerTarget();
    expect(latest.map((r) => r.id).sort()).toEqual([newestA, aValidation, newestB].sort());
    expect(latest.every((r) => r.status === 'completed' && r.report !== null)).toBe(true);
  });

  describe('per-owner quotas', () => {
    const dayStart = new Date(Date.UTC(2030, 0, 1));
    const quota = (overrides: Partial<{ maxActive: number; maxPerDay: number }> = {}) => ({ maxActive: 2, maxPerDay: 5, dayStart: new Date(0), ...overrides });

    it('records the owner and refuses a run over the queued + running limit until one ends', async () => {
      const first = await repo.createOwned(newRunId(), evaluationParams(), 'ci', quota());
      expect(first).toEqual({ run: expect.objectContaining({ status: 'queued', ownerKey: 'ci' }) });
      const secondId = newRunId();
      await repo.createOwned(secondId, evaluationParams(), 'ci', quota());
      expect(await repo.createOwned(newRunId(), evaluationParams(), 'ci', quota())).toEqual({ exceeded: { quota: 'active', limit: 2, used: 2 } });
      // Another owner has its own budget.
      expect(await repo.createOwned(newRunId(), evaluationParams(), 'other', quota())).toHaveProperty('run');
      await repo.cancel(secondId);
      expect(await repo.createOwned(newRunId(), evaluationParams(), 'ci', quota())).toHaveProperty('run');
    });

    it('counts every run created since the start of the day, finished or not', async () => {
      for (let i = 0; i < 3; i++) {
        const created = await repo.createOwned(newRunId(), evaluationParams(), 'daily', quota({ maxActive: 0, maxPerDay: 3 }));
        if ('run' in created) await repo.fail(created.run.id, 'done');
      }
      expect(await repo.createOwned(newRunId(), evaluationParams(), 'daily', quota({ maxActive: 0, maxPerDay: 3 }))).toEqual({ exceeded: { quota: 'daily', limit: 3, used: 3 } });
      // Runs of earlier days do not count.
      expect(await repo.createOwned(newRunId(), evaluationParams(), 'daily', { maxActive: 0, maxPerDay: 3, dayStart })).toHaveProperty('run');
    });

    it('does not overshoot when many requests race on one owner', async () => {
      const results = await Promise.all(Array.from({ length: 12 }, () => repo.createOwned(newRunId(), evaluationParams(), 'racer', quota({ maxActive: 3, maxPerDay: 0 }))));
      expect(results.filter((r) => 'run' in r)).toHaveLength(3);
      expect((await pool.query("SELECT count(*)::int AS n FROM evaluation_runs WHERE owner_key = 'racer'")).rows[0].n).toBe(3);
    });
  });
});
