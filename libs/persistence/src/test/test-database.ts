import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';
import { ensureDatabase, withDatabase } from '../lib/ensure-database';

/** Server the integration tests use; each test file creates and drops its own databases there. */
export const TEST_POSTGRES_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const randomDatabaseName = (): string => `sentiment_ops_test_${randomBytes(6).toString('hex')}`;

/** A URL naming a fresh random database that does not exist yet. */
export const newTestDatabaseUrl = (): string => withDatabase(TEST_POSTGRES_URL, randomDatabaseName());

/** Runs one statement on the maintenance database (tests' own bookkeeping). */
export async function adminQuery<R extends object>(sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export async function databaseExists(name: string): Promise<boolean> {
  return (await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [name])).length > 0;
}

/** Drops a test database even if connections are still open (FORCE, PG ≥ 13). */
export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!name.startsWith('sentiment_ops_test_')) throw new Error(`Refusing to drop non-test database ${name}`);
  await adminQuery(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`);
}

/** Creates a fresh database; call `drop()` in afterAll. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = newTestDatabaseUrl();
  await ensureDatabase(url);
  return { url, drop: () => dropTestDatabase(url) };
}
