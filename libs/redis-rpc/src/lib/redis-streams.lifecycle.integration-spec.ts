import { firstValueFrom } from 'rxjs';
import {
  delay,
  testStreamKeys,
  useTransportSuite,
  waitFor,
  WORK_PATTERN,
} from '../testing';
import { RpcDeadlineExceededError, RpcUnavailableError } from './errors';
import type { RedisStreamsContext } from './redis-streams.context';
import { readStreamStats } from './stream-stats';

const SERVICE = 'inference-lifecycle';
const GROUP = `${SERVICE}-workers`;

describe('RedisStreams transport: lifecycle and stats', () => {
  const suite = useTransportSuite({ service: SERVICE, label: 'lifecycle' });
  const keys = () => testStreamKeys(suite.prefix, SERVICE);
  const pendingCount = async (lane = 'live') => Number((await suite.redis.xpending(keys().lane(lane), GROUP))[0]);
  /** Consumer names registered in the group (XINFO CONSUMERS rows are flat field/value arrays). */
  const consumers = async (lane = 'live') =>
    ((await suite.redis.xinfo('CONSUMERS', keys().lane(lane), GROUP)) as unknown[][]).map((row) => String(row[row.indexOf('name') + 1]));

  it('close() finishes in-flight work, then stops reading', async () => {
    const worker = await suite.start({ ...suite.transport, consumerName: 'leaving', blockMs: 100, maxInFlight: 4 }, async (data) => {
      await delay(300);
      return data;
    });
    const calls = Promise.all([0, 1, 2].map((i) => firstValueFrom(suite.client.send(WORK_PATTERN, { i }))));
    await waitFor(() => worker.recorder.calls.length === 3, { description: 'three requests in flight' });

    await worker.close();

    // Everything in flight was answered and acknowledged (reply and XACK go in one MULTI) before close() resolved.
    expect(await pendingCount()).toBe(0);
    expect(await calls).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    // A replica that leaves cleanly does not linger in the group.
    expect(await consumers()).toEqual([]);

    // Nothing reads any more: a new request waits in the stream, unread, until its deadline.
    await expect(firstValueFrom(suite.client.send(WORK_PATTERN, { i: 3 }, { timeoutMs: 300 }))).rejects.toBeInstanceOf(RpcDeadlineExceededError);
    expect(worker.recorder.calls).toHaveLength(3);
    const [live] = await readStreamStats(suite.redis, { prefix: suite.prefix, service: SERVICE });
    expect(live).toMatchObject({ pending: 0, lag: 1 });
  });

  it('leaves unfinished entries pending after the shutdown grace, for another replica to reclaim', async () => {
    let slowFinished = false;
    const options = { ...suite.transport, blockMs: 100, visibilityTimeoutMs: 300, reclaimIntervalMs: 50 };
    const first = await suite.start({ ...options, consumerName: 'stopping', shutdownGraceMs: 100 }, async (_data, ctx: RedisStreamsContext) => {
      await delay(800);
      slowFinished = true;
      return ctx.consumer;
    });
    const call = firstValueFrom(suite.client.send(WORK_PATTERN, {}));
    await waitFor(() => first.recorder.calls.length === 1, { description: 'the request in flight' });

    const closeStartedAt = Date.now();
    await first.close();
    expect(Date.now() - closeStartedAt).toBeLessThan(600);
    expect(await pendingCount()).toBe(1);
    expect(await consumers()).toEqual(['stopping']);

    await suite.start({ ...options, consumerName: 'successor' }, (_data, ctx: RedisStreamsContext) => ctx.consumer);
    await expect(call).resolves.toBe('successor');
    await waitFor(async () => (await pendingCount()) === 0, { description: 'acknowledged by the successor' });
    // Let the abandoned handler end inside the test (its late reply fails quietly: connection closed).
    await waitFor(() => slowFinished, { description: 'the abandoned handler to end' });
  });

  it('client close() fails pending calls with RpcUnavailableError at once', async () => {
    await suite.client.connect();
    const call = firstValueFrom(suite.client.send(WORK_PATTERN, { n: 1 })).catch((err: unknown) => err);
    await waitFor(() => suite.client.pendingCalls === 1, { description: 'the call to be pending' });
    const closedAt = Date.now();
    await suite.client.close();
    expect(await call).toBeInstanceOf(RpcUnavailableError);
    expect(Date.now() - closedAt).toBeLessThan(200);
    expect(suite.client.pendingCalls).toBe(0);
  });

  it('readStreamStats reports length, pending and lag per lane', async () => {
    const { lane } = keys();
    for (const name of ['live', 'bulk']) await suite.redis.call('XGROUP', 'CREATE', lane(name), GROUP, '0', 'MKSTREAM');
    for (let i = 0; i < 3; i++) await suite.redis.xadd(lane('live'), '*', 'n', String(i));
    await suite.redis.xadd(lane('bulk'), '*', 'n', '0');
    await suite.redis.xreadgroup('GROUP', GROUP, 'reader', 'COUNT', 1, 'STREAMS', lane('live'), '>');

    expect(await readStreamStats(suite.redis, { prefix: suite.prefix, service: SERVICE })).toEqual([
      { lane: 'live', length: 3, pending: 1, lag: 2, waiting: 2 },
      { lane: 'bulk', length: 1, pending: 0, lag: 1, waiting: 1 },
    ]);
    // Missing streams and groups read as empty, never as errors.
    expect(await readStreamStats(suite.redis, { prefix: suite.prefix, service: 'absent', lanes: ['live'] })).toEqual([{ lane: 'live', length: 0, pending: 0, lag: null, waiting: 0 }]);
  });

  it('counts every entry as waiting before a replica created the group, and never more than the stream holds', async () => {
    const { lane } = keys();
    for (let i = 0; i < 4; i++) await suite.redis.xadd(lane('live'), '*', 'n', String(i));
    expect(await readStreamStats(suite.redis, { prefix: suite.prefix, service: SERVICE, lanes: ['live'] })).toEqual([{ lane: 'live', length: 4, pending: 0, lag: null, waiting: 4 }]);

    // Trimming unread entries leaves them in the group's lag; what is waiting is what the stream still holds.
    await suite.redis.call('XGROUP', 'CREATE', lane('live'), GROUP, '0');
    await suite.redis.xreadgroup('GROUP', GROUP, 'reader', 'COUNT', 1, 'STREAMS', lane('live'), '>');
    for (let i = 0; i < 20; i++) await suite.redis.xadd(lane('live'), 'MAXLEN', '5', '*', 'n', String(i));
    const [live] = await readStreamStats(suite.redis, { prefix: suite.prefix, service: SERVICE, lanes: ['live'] });
    expect(live.length).toBe(5);
    expect(live.lag).toBeGreaterThan(5);
    expect(live.waiting).toBe(5);
  });

  it('client readLaneStats() reads its own lanes over its command connection', async () => {
    await suite.client.connect();
    await suite.redis.xadd(keys().lane('live'), '*', 'n', '0');
    expect(await suite.client.readLaneStats(['live'])).toEqual([{ lane: 'live', length: 1, pending: 0, lag: null, waiting: 1 }]);
    await expect(suite.client.readLaneStats(['nope'])).rejects.toThrow(/unknown lane "nope"/);
  });
});
