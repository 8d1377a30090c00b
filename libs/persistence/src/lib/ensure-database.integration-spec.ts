import { PersistenceErrorCode } from './persistence.errors';
import { databaseNameOf, ensureDatabase, withDatabase } from './ensure-database';
import { databaseExists, dropTestDatabase, newTestDatabaseUrl, TEST_POSTGRES_URL } from '../test/test-database';

describe('ensureDatabase', () => {
  const created: string[] = [];
  const fresh = (): string => {
    const url = newTestDatabaseUrl();
    created.push(url);
    return url;
  };

  afterAll(async () => {
    for (const url of created) await dropTestDatabase(url);
  });

  it('creates a missing database, then leaves it alone', async () => {
    const url = fresh();
    const name = databaseNameOf(url);
    expect(await databaseExists(name)).toBe(false);
    expect(await ensureDatabase(url)).toBe(true);
    expect(await databaseExists(name)).toBe(true);
    expect(await ensureDatabase(url)).toBe(false);
  });

  it('tolerates two processes creating the same database at once', async () => {
    const url = fresh();
    const results = await Promise.all([ensureDatabase(url), ensureDatabase(url), ensureDatabase(url)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await databaseExists(databaseNameOf(url))).toBe(true);
  });

  it.each([
    ['a quote', 'bad"name'],
    ['a statement separator', 'x;DROP DATABASE postgres'],
    ['a space', 'my db'],
    ['a leading digit', '1db'],
    ['too many characters', 'a'.repeat(64)],
    ['no name', ''],
  ])('refuses a database name with %s before connecting', async (_why, name) => {
    const url = `${TEST_POSTGRES_URL.replace(/\/[^/]*$/, '')}/${encodeURIComponent(name)}`;
    await expect(ensureDatabase(url)).rejects.toMatchObject({ code: PersistenceErrorCode.InvalidDatabaseName });
  });

  it('swaps only the database of a URL', () => {
    expect(withDatabase('postgres://u:p%40ss@db.local:6543/app?sslmode=require', 'postgres')).toBe(
      'postgres://u:p%40ss@db.local:6543/postgres?sslmode=require',
    );
    expect(databaseNameOf('postgres://u@h/sentiment-ops')).toBe('sentiment-ops');
  });
});
