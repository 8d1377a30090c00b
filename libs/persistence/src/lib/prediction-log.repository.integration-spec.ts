import type { Pool } from 'pg';
import { runMigrations } from './migrator';
import { createPgPool } from './pg-pool';
import { PREDICTION_LOG_MAX_INSERT_ROWS, PredictionLogRepository, type PredictionLogInput } from './prediction-log.repository';
import { createTestDatabase } from '../test/test-database';

const DAY_MS = 24 * 60 * 60 * 1000;

const row = (overrides: Partial<PredictionLogInput> = {}): PredictionLogInput => ({
  model: 'sentiment-lite',
  modelVersion: 'abc123def456',
  textLength: 12,
  label: 'positive',
  confidence: 0.75,
  probabilities: { negative: 0.05, neutral: 0.2, positive: 0.75 },
  text: null,
  ...overrides,
});

describe('PredictionLogRepository', () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: Pool;
  let log: PredictionLogRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPgPool({ url: db.url, applicationName: 'prediction-log-spec' });
    await runMigrations(pool);
    log = new PredictionLogRepository(pool);
  });

  beforeEach(async () => {
    await pool.query('TRUNCATE prediction_log RESTART IDENTITY');
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const count = async (): Promise<number> => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM prediction_log')).rows[0].n;

  it('inserts many rows in one statement and reads them back by window', async () => {
    const at = new Date('2026-01-01T10:00:00.000Z');
    expect(await log.insertMany([row({ createdAt: at, text: 'great stuff!' }), row({ createdAt: new Date(at.getTime() + 1000), label: 'negative', confidence: 0.5, probabilities: { negative: 0.5, neutral: 0.3, positive: 0.2 } })])).toBe(2);
    expect(await log.insertMany([])).toBe(0);
    const entries = await log.window(at, new Date(at.getTime() + 60_000));
    expect(entries).toEqual([
      { id: '1', createdAt: '2026-01-01T10:00:00.000Z', model: 'sentiment-lite', modelVersion: 'abc123def456', textLength: 12, label: 'positive', confidence: 0.75, probabilities: { negative: expect.closeTo(0.05, 6), neutral: expect.closeTo(0.2, 6), positive: 0.75 }, text: 'great stuff!' },
      expect.objectContaining({ id: '2', createdAt: '2026-01-01T10:00:01.000Z', label: 'negative', confidence: 0.5, text: null }),
    ]);
  });

  it('defaults created_at to now', async () => {
    const before = Date.now();
    await log.insertMany([row()]);
    const [entry] = await log.window(new Date(before - 1000), new Date(Date.now() + 1000));
    expect(entry).toBeDefined();
  });

  it('filters a window by time (from inclusive, to exclusive), model and limit', async () => {
    const t0 = Date.parse('2026-02-01T00:00:00.000Z');
    await log.insertMany([
      row({ createdAt: new Date(t0 - 1), model: 'a' }),
      row({ createdAt: new Date(t0), model: 'a' }),
      row({ createdAt: new Date(t0 + 10), model: 'b' }),
      row({ createdAt: new Date(t0 + 20), model: 'a' }),
      row({ createdAt: new Date(t0 + 30), model: 'a' }),
    ]);
    const window = await log.window(new Date(t0), new Date(t0 + 30));
    expect(window.map((entry) => [entry.model, Date.parse(entry.createdAt) - t0])).toEqual([['a', 0], ['b', 10], ['a', 20]]);
    expect((await log.window(new Date(t0), new Date(t0 + 31), { model: 'a' })).map((entry) => Date.parse(entry.createdAt) - t0)).toEqual([0, 20, 30]);
    expect(await log.window(new Date(t0), new Date(t0 + 31), { model: 'a', limit: 2 })).toHaveLength(2);
    await expect(log.window(new Date(t0), new Date(t0 + 31), { limit: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('samples a large window uniformly up to the limit, reads a small one whole, and names its busiest model', async () => {
    const t0 = Date.parse('2026-03-01T00:00:00.000Z');
    await log.insertMany(Array.from({ length: 200 }, (_, i) => row({ createdAt: new Date(t0 + i * 1000), model: i % 4 === 0 ? 'b' : 'a', textLength: i })));
    const whole = await log.sampleWindow(new Date(t0), new Date(t0 + 50_000), { limit: 100 });
    expect(whole.total).toBe(50);
    expect(whole.entries.map((entry) => entry.textLength)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const sampled = await log.sampleWindow(new Date(t0), new Date(t0 + 200_000), { limit: 60 });
    expect(sampled.total).toBe(200);
    expect(sampled.entries).toHaveLength(60);
    expect(new Set(sampled.entries.map((entry) => entry.id)).size).toBe(60);
    // Uniform, not the first 60: rows from the second half of the window are drawn too.
    expect(sampled.entries.some((entry) => entry.textLength >= 100)).toBe(true);
    expect((await log.sampleWindow(new Date(t0), new Date(t0 + 200_000), { model: 'b', limit: 1000 })).total).toBe(50);
    expect(await log.busiestModel(new Date(t0), new Date(t0 + 200_000))).toBe('a');
    expect(await log.busiestModel(new Date(t0 - 10_000), new Date(t0))).toBeNull();
    await expect(log.sampleWindow(new Date(t0), new Date(t0 + 1), { limit: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('uses the (model, created_at) index for a model window', async () => {
    await pool.query('SET enable_seqscan = off');
    try {
      const { rows } = await pool.query<{ 'QUERY PLAN': string }>("EXPLAIN SELECT * FROM prediction_log WHERE model = 'a' AND created_at >= now() - interval '1 day' AND created_at < now()");
      expect(rows.map((line) => line['QUERY PLAN']).join('\n')).toContain('prediction_log_model_created_at_idx');
    } finally {
      await pool.query('RESET enable_seqscan');
    }
  });

  it('refuses more rows than one statement can bind', async () => {
    await expect(log.insertMany(Array.from({ length: PREDICTION_LOG_MAX_INSERT_ROWS + 1 }, () => row()))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('deletes rows older than the retention age', async () => {
    const now = Date.now();
    await log.insertMany([row({ createdAt: new Date(now - 40 * DAY_MS) }), row({ createdAt: new Date(now - 31 * DAY_MS) }), row({ createdAt: new Date(now - 29 * DAY_MS) }), row()]);
    expect(await log.enforceRetention({ maxAgeDays: 30, maxRows: 0 })).toBe(2);
    expect(await count()).toBe(2);
    expect(await log.enforceRetention({ maxAgeDays: 30, maxRows: 0 })).toBe(0);
  });

  it('keeps only the newest maxRows rows', async () => {
    await log.insertMany(Array.from({ length: 25 }, (_, index) => row({ textLength: index })));
    expect(await log.enforceRetention({ maxAgeDays: 0, maxRows: 10 })).toBe(15);
    const { rows } = await pool.query<{ text_length: number }>('SELECT text_length FROM prediction_log ORDER BY id');
    expect(rows.map((entry) => entry.text_length)).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    expect(await log.enforceRetention({ maxAgeDays: 0, maxRows: 10 })).toBe(0);
    expect(await log.enforceRetention({ maxAgeDays: 0, maxRows: 100 })).toBe(0);
    expect(await log.enforceRetention({ maxAgeDays: 0, maxRows: 1 })).toBe(9);
    expect(await count()).toBe(1);
  });

  it('applies age first, then the row bound', async () => {
    const now = Date.now();
    await log.insertMany([row({ createdAt: new Date(now - 60 * DAY_MS) }), ...Array.from({ length: 5 }, () => row())]);
    expect(await log.enforceRetention({ maxAgeDays: 30, maxRows: 3 })).toBe(3);
    expect(await count()).toBe(3);
  });

  it('rejects negative retention bounds', async () => {
    await expect(log.enforceRetention({ maxAgeDays: -1, maxRows: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(log.enforceRetention({ maxAgeDays: 0, maxRows: 1.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
