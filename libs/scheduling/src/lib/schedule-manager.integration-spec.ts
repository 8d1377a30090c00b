import { randomBytes } from 'node:crypto';
import { MonitoringQueueName } from '@sentiment-ops/contracts';
import { createPgPool, ensureDatabase, runMigrations, ScheduleRepository, withDatabase } from '@sentiment-ops/persistence';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Client, type Pool } from 'pg';
import { InvalidScheduleException, ScheduleManager, type ScheduleDefinition } from './schedule-manager';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const POSTGRES_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const DEFINITIONS: ScheduleDefinition[] = [
  { id: 'model-evaluation', pattern: '0 * * * *', timezone: 'UTC' },
  { id: 'drift-monitoring', pattern: '0 */12 * * *', timezone: 'Europe/Rome' },
];

// Real Redis (own prefix) and Postgres (own database): what a worker restart does to the schedulers.
describe('ScheduleManager', () => {
  const prefix = `test:scheduling:${randomBytes(4).toString('hex')}`;
  const databaseName = `sentiment_ops_test_scheduling_${randomBytes(4).toString('hex')}`;
  const databaseUrl = withDatabase(POSTGRES_URL, databaseName);
  let pool: Pool;
  let connection: Redis;
  let queue: Queue;
  let manager: ScheduleManager;

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    pool = createPgPool({ url: databaseUrl, applicationName: 'scheduling-spec' });
    await runMigrations(pool);
    connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(MonitoringQueueName, { connection, prefix: `${prefix}:bull` });
    manager = new ScheduleManager(queue, new ScheduleRepository(pool));
  });

  afterAll(async () => {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    connection.disconnect();
    await pool.end();
    const admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    await admin.end();
  });

  it('registers the built-in schedules idempotently: three worker starts leave two schedulers and two pending jobs', async () => {
    for (let start = 0; start < 3; start++) await manager.register(DEFINITIONS);
    expect(await queue.getJobSchedulersCount()).toBe(2);
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz]).sort()).toEqual([
      ['drift-monitoring', '0 */12 * * *', 'Europe/Rome'],
      ['model-evaluation', '0 * * * *', 'UTC'],
    ]);
    expect(await queue.getDelayedCount()).toBe(2);
    const states = await manager.list();
    expect(states.map((s) => s.record.id)).toEqual(['drift-monitoring', 'model-evaluation']);
    for (const state of states) expect(state.nextRunAt!.getTime()).toBeGreaterThan(Date.now());
    // The hourly schedule fires at the next full hour.
    const hourly = states.find((s) => s.record.id === 'model-evaluation')!;
    expect(hourly.nextRunAt!.getUTCMinutes()).toBe(0);
  });

  it('pauses (scheduler removed) and a restart keeps it paused; resuming with a new pattern applies it', async () => {
    const paused = await manager.update('model-evaluation', { enabled: false }, 'ops-admin');
    expect(paused).toMatchObject({ record: { enabled: false, updatedBy: 'ops-admin' }, nextRunAt: null });
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual(['drift-monitoring']);
    // Its pending job goes too: a paused schedule produces nothing.
    expect(await queue.getDelayedCount()).toBe(1);

    await manager.register(DEFINITIONS);
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual(['drift-monitoring']);
    expect((await manager.get('model-evaluation'))?.nextRunAt).toBeNull();

    const resumed = await manager.update('model-evaluation', { enabled: true, pattern: '*/5 * * * *' }, 'ops-admin');
    expect(resumed?.record).toMatchObject({ enabled: true, patternOverride: '*/5 * * * *' });
    expect((await queue.getJobScheduler('model-evaluation'))?.pattern).toBe('*/5 * * * *');
    expect(resumed!.nextRunAt!.getUTCMinutes() % 5).toBe(0);

    // A restart with a new configured pattern does not undo the operator's override.
    await manager.register([{ ...DEFINITIONS[0], pattern: '30 * * * *' }, DEFINITIONS[1]]);
    expect((await queue.getJobScheduler('model-evaluation'))?.pattern).toBe('*/5 * * * *');
    await manager.update('model-evaluation', { pattern: null }, null);
    expect((await queue.getJobScheduler('model-evaluation'))?.pattern).toBe('30 * * * *');
  });

  it('refuses an invalid pattern or time zone, naming the field, and leaves the schedule unchanged', async () => {
    await expect(manager.update('drift-monitoring', { pattern: '61 * * * *' }, null)).rejects.toMatchObject({ field: 'pattern', message: expect.stringContaining('61 * * * *') });
    await expect(manager.update('drift-monitoring', { timezone: 'Mars/Olympus' }, null)).rejects.toBeInstanceOf(InvalidScheduleException);
    expect((await queue.getJobScheduler('drift-monitoring'))?.pattern).toBe('0 */12 * * *');
    expect((await manager.get('drift-monitoring'))?.record.patternOverride).toBeNull();
    await expect(manager.register([{ id: 'drift-monitoring', pattern: 'every day', timezone: 'UTC' }])).rejects.toMatchObject({ field: 'pattern' });
    expect(await manager.update('no-such-schedule', { enabled: false }, null)).toBeNull();
  });
});
