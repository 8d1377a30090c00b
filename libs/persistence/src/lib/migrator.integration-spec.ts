import type { Pool } from 'pg';
import { MIGRATIONS, migrationLabel, type Migration } from './migrations';
import { runMigrations } from './migrator';
import { PersistenceErrorCode } from './persistence.errors';
import { createPgPool } from './pg-pool';
import { createTestDatabase } from '../test/test-database';

describe('runMigrations', () => {
  // Test-only migrations go after the shipped ones.
  const nextId = MIGRATIONS[MIGRATIONS.length - 1].id + 1;
  const drops: Array<() => Promise<void>> = [];
  const pools: Pool[] = [];
  const freshDatabase = async (): Promise<string> => {
    const db = await createTestDatabase();
    drops.push(db.drop);
    return db.url;
  };
  const pool = (url: string): Pool => {
    const created = createPgPool({ url, applicationName: 'migrator-spec', max: 2 });
    pools.push(created);
    return created;
  };
  const tables = async (p: Pool): Promise<string[]> =>
    (await p.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.name);

  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    for (const drop of drops) await drop();
  });

  it('applies each migration once and is idempotent', async () => {
    const p = pool(await freshDatabase());
    expect(await runMigrations(p)).toEqual(['0001_create_evaluation_runs', '0002_create_model_registry', '0003_create_api_keys', '0004_add_evaluation_runs_owner_key', '0005_create_prediction_log', '0006_create_monitoring']);
    expect(await runMigrations(p)).toEqual([]);
    expect(await tables(p)).toEqual([
      'api_keys',
      'comparison_reports',
      'drift_alerts',
      'drift_reports',
      'evaluation_class_metrics',
      'evaluation_runs',
      'model_aliases',
      'model_versions',
      'models',
      'prediction_log',
      'schedules',
      'schema_migrations',
      'training_runs',
    ]);
    const { rows } = await p.query('SELECT id, name FROM schema_migrations ORDER BY id');
    expect(rows).toEqual([
      { id: 1, name: 'create_evaluation_runs' },
      { id: 2, name: 'create_model_registry' },
      { id: 3, name: 'create_api_keys' },
      { id: 4, name: 'add_evaluation_runs_owner_key' },
      { id: 5, name: 'create_prediction_log' },
      { id: 6, name: 'create_monitoring' },
    ]);
  });

  it('upgrades a database that only has the first migration', async () => {
    const p = pool(await freshDatabase());
    expect(await runMigrations(p, MIGRATIONS.slice(0, 1))).toEqual(['0001_create_evaluation_runs']);
    expect(await runMigrations(p)).toEqual(['0002_create_model_registry', '0003_create_api_keys', '0004_add_evaluation_runs_owner_key', '0005_create_prediction_log', '0006_create_monitoring']);
    expect(await runMigrations(p)).toEqual([]);
  });

  it('lets processes starting at once race without failing or applying twice', async () => {
    const url = await freshDatabase();
    // A slow second migration widens the window in which an unlocked runner would collide.
    const slow: Migration = { id: nextId, name: 'slow', sql: 'SELECT pg_sleep(0.3); CREATE TABLE slow_marker (id int);' };
    const migrations: Migration[] = [...MIGRATIONS, slow];
    const results = await Promise.all([pool(url), pool(url), pool(url)].map((p) => runMigrations(p, migrations)));
    expect(results.flat().sort()).toEqual(migrations.map(migrationLabel));
    expect((await pool(url).query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0].n).toBe(migrations.length);
  });

  it('rolls a failing migration back entirely and releases the lock', async () => {
    const url = await freshDatabase();
    const p = pool(url);
    const broken: Migration = { id: nextId, name: 'broken', sql: 'CREATE TABLE half_done (id int); SELECT 1 / 0;' };
    await expect(runMigrations(p, [...MIGRATIONS, broken])).rejects.toMatchObject({
      code: PersistenceErrorCode.MigrationFailed,
      message: expect.stringContaining(migrationLabel(broken)),
    });
    // The shipped migrations committed on their own; the broken one left nothing behind.
    expect(await tables(p)).not.toContain('half_done');
    expect((await p.query('SELECT id FROM schema_migrations ORDER BY id')).rows).toEqual(MIGRATIONS.map(({ id }) => ({ id })));
    // Another runner is not blocked by a leftover advisory lock.
    expect(await runMigrations(pool(url))).toEqual([]);
  });

  it('refuses renamed history and unordered lists', async () => {
    const p = pool(await freshDatabase());
    await runMigrations(p);
    await expect(runMigrations(p, [{ ...MIGRATIONS[0], name: 'renamed' }])).rejects.toMatchObject({
      code: PersistenceErrorCode.MigrationDrift,
    });
    const unordered: Migration[] = [
      { id: 2, name: 'b', sql: 'SELECT 1' },
      { id: 1, name: 'a', sql: 'SELECT 1' },
    ];
    await expect(runMigrations(p, unordered)).rejects.toMatchObject({ code: PersistenceErrorCode.InvalidMigrations });
  });
});
