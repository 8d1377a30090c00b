import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { ApiKeyRepository } from './api-key.repository';
import { runMigrations } from './migrator';
import { PersistenceErrorCode } from './persistence.errors';
import { createPgPool } from './pg-pool';
import { createTestDatabase } from '../test/test-database';

const hashOf = (key: string): Buffer => createHash('sha256').update(key).digest();

describe('ApiKeyRepository', () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: Pool;
  let repo: ApiKeyRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPgPool({ url: db.url, applicationName: 'api-key-spec' });
    await runMigrations(pool);
    repo = new ApiKeyRepository(pool);
  });

  beforeEach(async () => {
    await pool.query('TRUNCATE api_keys');
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('stores the hash only, finds an active key by it and lists keys without hashes', async () => {
    const created = await repo.create({ name: 'ci', role: 'operator', hash: hashOf('sk_secret') });
    expect(created).toEqual({ name: 'ci', role: 'operator', createdAt: expect.any(String), revokedAt: null, lastUsedAt: null });
    expect(await repo.findActiveByHash(hashOf('sk_secret'))).toEqual({ name: 'ci', role: 'operator', hash: hashOf('sk_secret') });
    expect(await repo.findActiveByHash(hashOf('sk_other'))).toBeNull();
    const { rows } = await pool.query('SELECT * FROM api_keys');
    expect(JSON.stringify(rows)).not.toContain('sk_secret');
    expect(Object.keys((await repo.list())[0]).sort()).toEqual(['createdAt', 'lastUsedAt', 'name', 'revokedAt', 'role']);
  });

  it('refuses a second active key with the same name, and frees the name once revoked', async () => {
    await repo.create({ name: 'ci', role: 'predict', hash: hashOf('a') });
    await expect(repo.create({ name: 'ci', role: 'predict', hash: hashOf('b') })).rejects.toMatchObject({ code: PersistenceErrorCode.ApiKeyExists });
    expect(await repo.revoke('ci')).toBe(true);
    expect(await repo.revoke('ci')).toBe(false);
    expect(await repo.findActiveByHash(hashOf('a'))).toBeNull();
    await repo.create({ name: 'ci', role: 'admin', hash: hashOf('b') });
    expect((await repo.list()).map((k) => [k.name, k.role, k.revokedAt === null])).toEqual([
      ['ci', 'admin', true],
      ['ci', 'predict', false],
    ]);
  });

  it('records the last use of an active key', async () => {
    await repo.create({ name: 'used', role: 'predict', hash: hashOf('u') });
    await repo.touch('used');
    expect((await repo.list())[0].lastUsedAt).toEqual(expect.any(String));
  });

  it('rejects malformed input before reaching the database', async () => {
    await expect(repo.create({ name: 'bad name', role: 'predict', hash: hashOf('x') })).rejects.toMatchObject({ code: PersistenceErrorCode.InvalidArgument });
    await expect(repo.findActiveByHash(Buffer.alloc(5))).rejects.toMatchObject({ code: PersistenceErrorCode.InvalidArgument });
  });
});
