import { Client, escapeIdentifier } from 'pg';
import { PersistenceErrorCode, PersistenceException } from './persistence.errors';

// Conservative: what ops people type, quoted anyway. 63 bytes is Postgres' identifier limit.
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;
// A concurrent CREATE DATABASE of the same name fails with either code, depending on timing.
const ALREADY_CREATED = new Set(['42P04', '23505']);

export interface EnsureDatabaseOptions {
  /** The database to connect to while creating the target. */
  maintenanceDatabase?: string;
  connectionTimeoutMs?: number;
}

/** The database a Postgres URL names, validated. */
export function databaseNameOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new PersistenceException(PersistenceErrorCode.InvalidArgument, 'Invalid Postgres URL', { cause: error });
  }
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  assertDatabaseName(name);
  return name;
}

export function assertDatabaseName(name: string): void {
  if (!DATABASE_NAME.test(name)) {
    throw new PersistenceException(
      PersistenceErrorCode.InvalidDatabaseName,
      `Invalid database name ${JSON.stringify(name)}: use 1-63 letters, digits, "_" or "-", starting with a letter or "_"`,
    );
  }
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  assertDatabaseName(database);
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * Creates the database `url` names if it is missing, connecting to the maintenance database of
 * the same server. Returns whether it created it. Safe to race: a concurrent creator wins quietly.
 */
export async function ensureDatabase(url: string, options: EnsureDatabaseOptions = {}): Promise<boolean> {
  const { maintenanceDatabase = 'postgres', connectionTimeoutMs = 5000 } = options;
  const name = databaseNameOf(url);
  const client = new Client({
    connectionString: withDatabase(url, maintenanceDatabase),
    connectionTimeoutMillis: connectionTimeoutMs,
    application_name: 'sentiment-ops:ensure-database',
  });
  client.on('error', () => undefined); // a drop surfaces through the pending query instead
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount) return false;
    try {
      // CREATE DATABASE takes no bind parameters: the name is validated above and quoted here.
      await client.query(`CREATE DATABASE ${escapeIdentifier(name)}`);
      return true;
    } catch (error) {
      if (ALREADY_CREATED.has(String((error as { code?: unknown }).code))) return false;
      throw error;
    }
  } finally {
    await client.end();
  }
}
