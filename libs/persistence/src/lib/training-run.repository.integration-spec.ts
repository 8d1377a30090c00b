import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { runMigrations } from './migrator';
import { ModelRegistryRepository } from './model-registry.repository';
import { PersistenceErrorCode } from './persistence.errors';
import { createPgPool } from './pg-pool';
import { TrainingRunRepository } from './training-run.repository';
import { modelVersionInput, trainingRunInput } from '../test/factories';
import { createTestDatabase } from '../test/test-database';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('TrainingRunRepository', () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: Pool;
  let runs: TrainingRunRepository;
  let registry: ModelRegistryRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPgPool({ url: db.url, applicationName: 'training-run-spec' });
    await runMigrations(pool);
    runs = new TrainingRunRepository(pool);
    registry = new ModelRegistryRepository(pool);
  });

  beforeEach(async () => {
    await pool.query('TRUNCATE models, model_versions, model_aliases, training_runs CASCADE');
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('walks a fine-tune through start, epochs and completion with its registered version', async () => {
    const run = await runs.start(trainingRunInput({ kind: 'fine-tune', baseModel: 'sentiment-lite@1', dataset: 'amazon_reviews' }));
    expect(run).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      kind: 'fine-tune',
      status: 'running',
      baseModel: 'sentiment-lite@1',
      dataset: 'amazon_reviews',
      split: 'train',
      parameters: { epochs: 3, learningRate: 0.05, seed: 42 },
      epochs: [],
      finalMetrics: null,
      model: null,
      version: null,
      mlflowRunId: null,
      error: null,
      startedAt: expect.stringMatching(ISO),
      finishedAt: null,
    });

    expect(await runs.recordEpoch(run.id, { epoch: 1, loss: 0.9, validationMacroF1: 0.41 })).toBe(true);
    expect(await runs.recordEpoch(run.id, { epoch: 2, loss: 0.7, validationMacroF1: 0.5 })).toBe(true);
    // A retried epoch replaces its entry instead of duplicating it.
    expect(await runs.recordEpoch(run.id, { epoch: 2, loss: 0.65, validationMacroF1: 0.52 })).toBe(true);
    expect((await runs.get(run.id))?.epochs).toEqual([
      { epoch: 1, loss: 0.9, validationMacroF1: 0.41 },
      { epoch: 2, loss: 0.65, validationMacroF1: 0.52 },
    ]);

    const registered = await registry.registerVersion(modelVersionInput({ name: 'sentiment-lite-amazon' }));
    const finalMetrics = { validation: { macroF1: 0.52 }, test: { macroF1: 0.5, accuracy: 0.55 } };
    expect(await runs.complete(run.id, { finalMetrics, model: registered.name, version: registered.version, mlflowRunId: 'abc123' })).toBe(true);
    expect(await runs.get(run.id)).toMatchObject({
      status: 'completed',
      finalMetrics,
      model: 'sentiment-lite-amazon',
      version: 1,
      mlflowRunId: 'abc123',
      finishedAt: expect.stringMatching(ISO),
    });

    // Terminal: late calls change nothing.
    expect(await runs.recordEpoch(run.id, { epoch: 3, loss: 0.1 })).toBe(false);
    expect(await runs.fail(run.id, 'late')).toBe(false);
    expect(await runs.complete(run.id, { finalMetrics: {} })).toBe(false);
    expect((await runs.get(run.id))?.epochs).toHaveLength(2);
  });

  it('records a failure and keeps the MLflow run id given at start', async () => {
    const run = await runs.start(trainingRunInput({ mlflowRunId: 'mlflow-1' }));
    expect(await runs.fail(run.id, 'x'.repeat(20_000))).toBe(true);
    const failed = await runs.get(run.id);
    expect(failed).toMatchObject({ status: 'failed', mlflowRunId: 'mlflow-1', finishedAt: expect.stringMatching(ISO), finalMetrics: null });
    expect(failed?.error).toHaveLength(10_000);
    expect(await runs.complete(run.id, { finalMetrics: { accuracy: 1 } })).toBe(false);
    expect(await runs.fail(run.id, 'again')).toBe(false);
  });

  it('refuses a completion naming an unregistered version, leaving the run running', async () => {
    const run = await runs.start(trainingRunInput());
    await expect(runs.complete(run.id, { finalMetrics: {}, model: 'sentiment-lite', version: 7 })).rejects.toMatchObject({
      code: PersistenceErrorCode.VersionNotFound,
    });
    await expect(runs.complete(run.id, { finalMetrics: {}, model: 'sentiment-lite' })).rejects.toMatchObject({
      code: PersistenceErrorCode.InvalidArgument,
    });
    await expect(runs.complete(run.id, { finalMetrics: { f1: Number.POSITIVE_INFINITY } })).rejects.toMatchObject({
      code: PersistenceErrorCode.InvalidArgument,
    });
    expect((await runs.get(run.id))?.status).toBe('running');
    expect(await runs.complete(run.id, { finalMetrics: { f1: 0.5 } })).toBe(true); // a run may end without a registered model
  });

  it('starts idempotently by id and validates its input', async () => {
    const id = randomUUID();
    const first = await runs.start(trainingRunInput({ id }));
    expect(await Promise.all([runs.start(trainingRunInput({ id, dataset: 'other' })), runs.start(trainingRunInput({ id }))])).toEqual([first, first]);
    expect((await runs.list()).total).toBe(1);

    const invalid = { code: PersistenceErrorCode.InvalidArgument };
    await expect(runs.start(trainingRunInput({ id: 'run-1' }))).rejects.toMatchObject(invalid);
    await expect(runs.start(trainingRunInput({ kind: 'distill' as never }))).rejects.toMatchObject(invalid);
    await expect(runs.start(trainingRunInput({ dataset: '' }))).rejects.toMatchObject(invalid);
    await expect(runs.recordEpoch(id, { epoch: -1 })).rejects.toMatchObject(invalid);
    await expect(runs.recordEpoch(id, { epoch: 1, loss: Number.NaN })).rejects.toMatchObject(invalid);
    await expect(runs.recordEpoch('run-1', { epoch: 1 })).rejects.toMatchObject(invalid);
    expect(await runs.recordEpoch(randomUUID(), { epoch: 1 })).toBe(false);
    expect(await runs.get('run-1')).toBeNull();
    expect(await runs.get(randomUUID())).toBeNull();
  });

  it('lists newest first with limit, offset and total', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await runs.start(trainingRunInput())).id);
    // Distinct start times so the order does not depend on the clock's resolution.
    await Promise.all(ids.map((id, i) => pool.query(`UPDATE training_runs SET started_at = now() - make_interval(mins => $2) WHERE id = $1`, [id, 10 - i])));
    const page = await runs.list({ limit: 2, offset: 1 });
    expect(page.total).toBe(5);
    expect(page.items.map((r) => r.id)).toEqual([ids[3], ids[2]]);
    expect((await runs.list({ limit: 1000 })).items).toHaveLength(5);
    expect((await runs.list({ limit: Number.NaN })).items).toHaveLength(5);
  });
});
