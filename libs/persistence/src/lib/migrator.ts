import type { Pool, PoolClient } from 'pg';
import { MIGRATIONS, migrationLabel, type Migration } from './migrations';
import { PersistenceErrorCode, PersistenceException } from './persistence.errors';

// Arbitrary constant shared by every process of the app: whoever holds it migrates, the others wait.
export const MIGRATION_LOCK_KEY = 461_730_117_042n;

const assertOrdered = (migrations: readonly Migration[]): void => {
  migrations.forEach((migration, i) => {
    const previous = i === 0 ? 0 : migrations[i - 1].id;
    if (!Number.isSafeInteger(migration.id) || migration.id <= previous) {
      throw new PersistenceException(
        PersistenceErrorCode.InvalidMigrations,
        `Migration ids must be positive and strictly increasing: ${migrationLabel(migration)} follows id ${previous}`,
      );
    }
  });
};

const appliedMigrations = async (client: PoolClient): Promise<Map<number, string>> => {
  await client.query(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      id         integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  const { rows } = await client.query<{ id: number; name: string }>('SELECT id, name FROM schema_migrations');
  return new Map(rows.map((row) => [row.id, row.name]));
};

const applyOne = async (client: PoolClient, migration: Migration): Promise<void> => {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [migration.id, migration.name]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new PersistenceException(PersistenceErrorCode.MigrationFailed, `Migration ${migrationLabel(migration)} failed: ${reason}`, {
      cause: error,
    });
  }
};

const applyPending = async (client: PoolClient, migrations: readonly Migration[]): Promise<string[]> => {
  const applied = await appliedMigrations(client);
  const done: string[] = [];
  for (const migration of migrations) {
    const appliedName = applied.get(migration.id);
    if (appliedName === undefined) {
      await applyOne(client, migration);
      done.push(migrationLabel(migration));
    } else if (appliedName !== migration.name) {
      // Someone edited history: the database's schema is not what this code expects.
      throw new PersistenceException(
        PersistenceErrorCode.MigrationDrift,
        `Migration ${migration.id} was applied as "${appliedName}" but the code calls it "${migration.name}"`,
      );
    }
  }
  return done;
};

/**
 * Applies pending migrations, each in its own transaction, under a session advisory lock so two
 * processes starting at once apply each migration exactly once (the second waits, then finds
 * nothing to do). Returns the labels of the migrations it applied; [] when up to date.
 * Waiting for the lock is bounded by the pool's statement timeout.
 */
export async function runMigrations(pool: Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  assertOrdered(migrations);
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on('error', onError); // a checked-out client has no pool listener
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      return await applyPending(client, migrations);
    } finally {
      // The lock belongs to the session: release it before the client returns to the pool, or
      // discard the client if that fails (closing the session frees the lock).
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]).catch((error: Error) => {
        broken ??= error;
      });
    }
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
