import type { Pool } from 'pg';
import { PersistenceErrorCode } from './persistence.errors';
import { createPgPool, withTransaction } from './pg-pool';
import { adminQuery, createTestDatabase } from '../test/test-database';

const waitFor = async (condition: () => boolean, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('createPgPool', () => {
  let db: { url: string; drop: () => Promise<void> };
  const pools: Pool[] = [];
  const pool = (options: Partial<Parameters<typeof createPgPool>[0]> = {}): Pool => {
    const created = createPgPool({ url: db.url, applicationName: 'persistence-spec', ...options });
    pools.push(created);
    return created;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await db.drop();
  });

  it('enforces the statement timeout on the server', async () => {
    const started = Date.now();
    await expect(pool({ statementTimeoutMs: 200 }).query('SELECT pg_sleep(5)')).rejects.toMatchObject({ code: '57014' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('names its connections and bounds them', async () => {
    const p = pool({ applicationName: 'sentiment-ops:spec', max: 2 });
    const { rows } = await p.query<{ name: string; timeout: string }>(
      `SELECT current_setting('application_name') AS name, current_setting('statement_timeout') AS timeout`,
    );
    expect(rows[0]).toEqual({ name: 'sentiment-ops:spec', timeout: '30s' });
    expect(p.options.max).toBe(2);
  });

  it('survives an idle client being killed by the server', async () => {
    const onError = jest.fn();
    const p = pool({ max: 1, onError });
    const { rows } = await p.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(p.idleCount).toBe(1);
    await adminQuery('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    await waitFor(() => onError.mock.calls.length > 0);
    // The pool dropped the dead client and connects a new one.
    const again = await p.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(again.rows[0].pid).not.toBe(rows[0].pid);
  });

  it('always listens for errors, even without a handler', () => {
    expect(pool().listenerCount('error')).toBe(1);
  });

  it('rejects nonsense options', () => {
    expect(() => createPgPool({ url: '', applicationName: 'x' })).toThrow(expect.objectContaining({ code: PersistenceErrorCode.InvalidArgument }));
    expect(() => createPgPool({ url: db.url, applicationName: 'x', max: 0 })).toThrow(/max/);
    expect(() => createPgPool({ url: db.url, applicationName: 'x', statementTimeoutMs: -1 })).toThrow(/statementTimeoutMs/);
  });

  it('rolls a transaction back when its body throws', async () => {
    const p = pool();
    await p.query('CREATE TABLE tx_probe (id int)');
    await expect(
      withTransaction(p, async (client) => {
        await client.query('INSERT INTO tx_probe VALUES (1)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await p.query('SELECT * FROM tx_probe')).rowCount).toBe(0);
    await withTransaction(p, (client) => client.query('INSERT INTO tx_probe VALUES (2)'));
    expect((await p.query('SELECT * FROM tx_probe')).rowCount).toBe(1);
  });
});
