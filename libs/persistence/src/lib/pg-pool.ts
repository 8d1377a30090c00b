import { Pool, type PoolClient } from 'pg';
import { PersistenceErrorCode, PersistenceException } from './persistence.errors';

export interface PgPoolOptions {
  /** postgres://user[:password]@host:port/database[?params] */
  url: string;
  /** Shown in pg_stat_activity, so a DBA can tell the gateway's connections from the worker's. */
  applicationName: string;
  connectionTimeoutMs?: number;
  /** Server-side bound on every statement (0 disables). Also bounds idle-in-transaction sessions. */
  statementTimeoutMs?: number;
  idleTimeoutMs?: number;
  max?: number;
  /** Receives errors of idle clients (server restart, dropped connection); the pool discards them. */
  onError?: (error: Error) => void;
}

const assertCount = (name: string, value: number, min: number): void => {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new PersistenceException(PersistenceErrorCode.InvalidArgument, `${name} must be an integer >= ${min}, got ${value}`);
  }
};

const defaultOnError = (error: Error): void => {
  console.error(`[persistence] idle Postgres client error (client discarded): ${error.message}`);
};

export function createPgPool(options: PgPoolOptions): Pool {
  const {
    url,
    applicationName,
    connectionTimeoutMs = 5000,
    statementTimeoutMs = 30000,
    idleTimeoutMs = 30000,
    max = 10,
    onError = defaultOnError,
  } = options;
  if (!url) throw new PersistenceException(PersistenceErrorCode.InvalidArgument, 'A Postgres URL is required');
  assertCount('connectionTimeoutMs', connectionTimeoutMs, 1);
  assertCount('statementTimeoutMs', statementTimeoutMs, 0);
  assertCount('idleTimeoutMs', idleTimeoutMs, 0);
  assertCount('max', max, 1);

  const pool = new Pool({
    connectionString: url,
    application_name: applicationName,
    connectionTimeoutMillis: connectionTimeoutMs,
    idleTimeoutMillis: idleTimeoutMs,
    max,
    statement_timeout: statementTimeoutMs,
    // A client that died mid-transaction must not hold row locks forever.
    idle_in_transaction_session_timeout: statementTimeoutMs,
    // Detects a silently vanished server (network partition) on idle sockets.
    keepAlive: true,
  });
  // Without a listener, an idle client's error (e.g. Postgres restarted) is an unhandled 'error'
  // event and crashes the process.
  pool.on('error', onError);
  return pool;
}

/**
 * Runs `fn` on one checked-out client. While checked out a client has no pool error listener, so
 * we add one (the failing query rejects anyway) and discard the client if `fn` broke it.
 */
export async function withClient<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let clientError: Error | undefined;
  const onError = (error: Error): void => {
    clientError = error;
  };
  client.on('error', onError);
  try {
    return await fn(client);
  } finally {
    client.removeListener('error', onError);
    client.release(clientError);
  }
}

/** BEGIN … COMMIT around `fn`, ROLLBACK if it throws. */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // If the rollback itself fails the connection is gone; the original error matters more.
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}
