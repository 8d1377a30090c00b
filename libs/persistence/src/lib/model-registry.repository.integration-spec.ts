import type { Pool } from 'pg';
import { runMigrations } from './migrator';
import { ModelRegistryRepository } from './model-registry.repository';
import { PersistenceErrorCode } from './persistence.errors';
import { createPgPool } from './pg-pool';
import { modelVersionInput } from '../test/factories';
import { createTestDatabase } from '../test/test-database';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('ModelRegistryRepository', () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: Pool;
  let repo: ModelRegistryRepository;

  const count = async (table: string): Promise<number> => (await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  /** Registers `n` versions of `name` one after the other. */
  const registerMany = async (n: number, name = 'sentiment-lite'): Promise<void> => {
    for (let i = 0; i < n; i++) await repo.registerVersion(modelVersionInput({ name }));
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPgPool({ url: db.url, applicationName: 'model-registry-spec', max: 12 });
    await runMigrations(pool);
    repo = new ModelRegistryRepository(pool);
  });

  beforeEach(async () => {
    await pool.query('TRUNCATE models, model_versions, model_aliases, training_runs CASCADE');
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('numbers versions 1, 2, 3 per model and round-trips every field', async () => {
    const input = modelVersionInput({ description: 'n-gram softmax baseline' });
    const first = await repo.registerVersion(input);
    expect(first).toEqual({
      name: 'sentiment-lite',
      version: 1,
      baseModel: null,
      sourceDataset: input.sourceDataset,
      trainingParameters: input.trainingParameters,
      metrics: input.metrics,
      uri: input.uri,
      contentVersion: input.contentVersion,
      createdAt: expect.stringMatching(ISO),
    });
    const second = await repo.registerVersion(modelVersionInput({ description: 'ignored for an existing model' }));
    const tuned = await repo.registerVersion(modelVersionInput({ name: 'sentiment-lite-amazon', baseModel: 'sentiment-lite@1' }));
    const third = await repo.registerVersion(modelVersionInput());
    expect([first.version, second.version, third.version]).toEqual([1, 2, 3]);
    expect(tuned).toMatchObject({ name: 'sentiment-lite-amazon', version: 1, baseModel: 'sentiment-lite@1' });

    const model = await repo.getModel('sentiment-lite');
    expect(model).toEqual({
      name: 'sentiment-lite',
      description: 'n-gram softmax baseline',
      createdAt: expect.stringMatching(ISO),
      versions: [first, second, third],
      aliases: {},
    });
    expect(await repo.getVersion('sentiment-lite', 2)).toEqual(second);
    expect(await repo.getVersion('sentiment-lite', 4)).toBeNull();
    expect(await repo.getModel('unknown')).toBeNull();
    expect(await repo.getModel('not a name')).toBeNull();
  });

  it('gives concurrent registrations distinct, gap-free versions (new and existing model)', async () => {
    const racing = (name: string) => Promise.all(Array.from({ length: 10 }, () => repo.registerVersion(modelVersionInput({ name }))));
    const created = await racing('fresh-model'); // all ten race to create the model row too
    expect(created.map((v) => v.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const more = await racing('fresh-model');
    expect(more.map((v) => v.version).sort((a, b) => a - b)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(await count('models')).toBe(1);
  });

  it('validates a registration and writes nothing when it is invalid', async () => {
    const rejects = (overrides: Parameters<typeof modelVersionInput>[0]) =>
      expect(repo.registerVersion(modelVersionInput(overrides))).rejects.toMatchObject({ code: PersistenceErrorCode.InvalidArgument });
    await rejects({ name: 'lite@2' });
    await rejects({ name: '' });
    await rejects({ uri: '' });
    await rejects({ contentVersion: '  ' });
    await rejects({ metrics: { validation: { macroF1: Number.NaN } } });
    await rejects({ trainingParameters: [] as never });
    expect(await count('models')).toBe(0);
  });

  it('sets and moves aliases, reporting the previous version', async () => {
    await registerMany(3);
    expect(await repo.setAlias('sentiment-lite', 'production', 1)).toEqual({ previous: null, version: 1 });
    expect(await repo.setAlias('sentiment-lite', 'candidate', 3)).toEqual({ previous: null, version: 3 });
    expect(await repo.setAlias('sentiment-lite', 'production', 2)).toEqual({ previous: 1, version: 2 });
    expect(await repo.setAlias('sentiment-lite', 'production', 2)).toEqual({ previous: 2, version: 2 });
    expect((await repo.getModel('sentiment-lite'))?.aliases).toEqual({ candidate: 3, production: 2 });

    expect(await repo.removeAlias('sentiment-lite', 'candidate')).toBe(3);
    expect(await repo.removeAlias('sentiment-lite', 'candidate')).toBeNull();
    expect((await repo.getModel('sentiment-lite'))?.aliases).toEqual({ production: 2 });
  });

  it('rejects bad aliases, unknown models and unknown versions with typed errors', async () => {
    await registerMany(1);
    for (const alias of ['Production', '1st', '', 'a'.repeat(64), 'has space', '_x']) {
      await expect(repo.setAlias('sentiment-lite', alias, 1)).rejects.toMatchObject({ code: PersistenceErrorCode.InvalidAlias });
    }
    await expect(repo.setAlias('sentiment-lite', 'a'.repeat(63), 1)).resolves.toEqual({ previous: null, version: 1 });
    await expect(repo.setAlias('unknown', 'production', 1)).rejects.toMatchObject({ code: PersistenceErrorCode.ModelNotFound });
    await expect(repo.setAlias('bad name', 'production', 1)).rejects.toMatchObject({ code: PersistenceErrorCode.ModelNotFound });
    await expect(repo.setAlias('sentiment-lite', 'production', 2)).rejects.toMatchObject({ code: PersistenceErrorCode.VersionNotFound });
    await expect(repo.setAlias('sentiment-lite', 'production', 1.5)).rejects.toMatchObject({ code: PersistenceErrorCode.VersionNotFound });
    expect(await count('model_aliases')).toBe(1);
  });

  it('resolves name, name@version and name@alias', async () => {
    await registerMany(3);
    await registerMany(1, 'other');
    const version = async (reference: string) => (await repo.resolve(reference))?.version ?? null;

    expect(await version('sentiment-lite')).toBe(3); // no production alias: the latest
    await repo.setAlias('sentiment-lite', 'production', 1);
    await repo.setAlias('sentiment-lite', 'candidate', 2);
    expect(await version('sentiment-lite')).toBe(1);
    expect(await version('sentiment-lite@2')).toBe(2);
    expect(await version('sentiment-lite@candidate')).toBe(2);
    expect(await version('sentiment-lite@production')).toBe(1);
    expect(await repo.resolve('sentiment-lite@3')).toEqual(await repo.getVersion('sentiment-lite', 3));
    expect((await repo.resolve('other'))?.name).toBe('other');

    // Well-formed but unknown: null (an alias never falls back to the latest version).
    expect(await repo.resolve('sentiment-lite@staging')).toBeNull();
    expect(await repo.resolve('sentiment-lite@4')).toBeNull();
    expect(await repo.resolve('unknown')).toBeNull();
    expect(await repo.resolve('unknown@production')).toBeNull();
    expect(await repo.resolve('other@production')).toBeNull();
  });

  it('throws typed errors for malformed references', async () => {
    for (const reference of ['', '@2', 'has space', 'sentiment-lite@0', 'sentiment-lite@99999999999']) {
      await expect(repo.resolve(reference)).rejects.toMatchObject({ code: PersistenceErrorCode.InvalidReference });
    }
    for (const reference of ['sentiment-lite@', 'sentiment-lite@PROD', 'a@b@c']) {
      await expect(repo.resolve(reference)).rejects.toMatchObject({ code: PersistenceErrorCode.InvalidAlias });
    }
  });

  it('lists models with latest version, version count and aliases', async () => {
    expect(await repo.listModels()).toEqual([]);
    await registerMany(2, 'zeta');
    await registerMany(3, 'alpha');
    await repo.setAlias('alpha', 'production', 2);
    const summaries = await repo.listModels();
    expect(summaries).toEqual([
      {
        name: 'alpha',
        description: null,
        createdAt: expect.stringMatching(ISO),
        latestVersion: 3,
        versionCount: 3,
        aliases: { production: 2 },
        updatedAt: (await repo.getVersion('alpha', 3))?.createdAt,
      },
      expect.objectContaining({ name: 'zeta', latestVersion: 2, versionCount: 2, aliases: {} }),
    ]);
  });
});
