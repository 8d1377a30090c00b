import { API_KEY_NAME_PATTERN, API_KEY_ROLES, type ApiKeyRole } from '@sentiment-ops/contracts';
import { DatabaseError, type Pool } from 'pg';
import { PersistenceErrorCode, PersistenceException } from './persistence.errors';

/** A stored API key without its hash: what listings show. */
export interface ApiKeyRecord {
  name: string;
  role: ApiKeyRole;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** An active key found by its hash: enough to authenticate a request. */
export interface ActiveApiKey {
  name: string;
  role: ApiKeyRole;
  /** SHA-256 of the key, 32 bytes. */
  hash: Buffer;
}

interface ApiKeyRow {
  name: string;
  role: ApiKeyRole;
  key_hash: Buffer;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const UNIQUE_VIOLATION = '23505';
const COLUMNS = 'name, role, created_at, revoked_at, last_used_at';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);
const toRecord = (row: ApiKeyRow): ApiKeyRecord => ({
  name: row.name,
  role: row.role,
  createdAt: row.created_at.toISOString(),
  revokedAt: iso(row.revoked_at),
  lastUsedAt: iso(row.last_used_at),
});

const invalid = (message: string): PersistenceException => new PersistenceException(PersistenceErrorCode.InvalidArgument, message);
const assertHash = (hash: Buffer): void => {
  if (!Buffer.isBuffer(hash) || hash.length !== 32) throw invalid('key hash must be a 32-byte SHA-256 digest');
};

/**
 * API keys issued through the gateway. Only SHA-256 hashes are stored, never a key; callers hash
 * before they ask. Revocation keeps the row (audit) and frees the name for a new key.
 */
export class ApiKeyRepository {
  constructor(private readonly pool: Pool) {}

  /** Stores a new active key. Throws ApiKeyExists when an active key already has this name. */
  async create(input: { name: string; role: ApiKeyRole; hash: Buffer }): Promise<ApiKeyRecord> {
    if (!API_KEY_NAME_PATTERN.test(input.name)) throw invalid(`invalid key name ${JSON.stringify(input.name)}`);
    if (!API_KEY_ROLES.includes(input.role)) throw invalid(`role must be one of ${API_KEY_ROLES.join(', ')}`);
    assertHash(input.hash);
    try {
      const { rows } = await this.pool.query<ApiKeyRow>(`INSERT INTO api_keys (name, role, key_hash) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`, [
        input.name,
        input.role,
        input.hash,
      ]);
      return toRecord(rows[0]);
    } catch (error) {
      if (error instanceof DatabaseError && error.code === UNIQUE_VIOLATION) {
        throw new PersistenceException(PersistenceErrorCode.ApiKeyExists, `an active API key named ${input.name} already exists`, { cause: error });
      }
      throw error;
    }
  }

  /** The active key with this hash, or null (unknown or revoked). */
  async findActiveByHash(hash: Buffer): Promise<ActiveApiKey | null> {
    assertHash(hash);
    const { rows } = await this.pool.query<ApiKeyRow>('SELECT name, role, key_hash FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL', [hash]);
    return rows[0] ? { name: rows[0].name, role: rows[0].role, hash: rows[0].key_hash } : null;
  }

  /** Every key, active first, then newest first. */
  async list(): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC`);
    return rows.map(toRecord);
  }

  /** Revokes the active key of that name; false when there is none. */
  async revoke(name: string): Promise<boolean> {
    const result = await this.pool.query('UPDATE api_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL', [name]);
    return (result.rowCount ?? 0) > 0;
  }

  /** Records a use of the active key of that name (callers throttle this: it is a write). */
  async touch(name: string): Promise<void> {
    await this.pool.query('UPDATE api_keys SET last_used_at = now() WHERE name = $1 AND revoked_at IS NULL', [name]);
  }
}
