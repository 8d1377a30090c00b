import type { Redis } from 'ioredis';
import { firstValueFrom } from 'rxjs';
import {
  createTestRedis,
  delay,
  deletePrefixedKeys,
  startTestWorker,
  TEST_REDIS_URL,
  type TestWorker,
  testStreamKeys,
  uniqueTestPrefix,
  useTestLogger,
  waitFor,
  WORK_PATTERN,
} from '../testing';
import type { RedisStreamsTransportOptions } from './options';
import { RedisStreamsClient } from './redis-streams.client';

const SERVICE = 'inference-scale';
const GROUP = `${SERVICE}-workers`;

describe('RedisStreams transport: work sharing and priorities', () => {
  let redis: Redis;
  let prefix: string;
  let transport: RedisStreamsTransportOptions;
  let client: RedisStreamsClient;
  const workers: TestWorker[] = [];

  const start = async (...args: Parameters<typeof startTestWorker>): Promise<TestWorker> => {
    const worker = await startTestWorker(...args);
    workers.push(worker);
    return worker;
  };

  beforeAll(() => {
    useTestLogger();
    redis = createTestRedis();
  });

  beforeEach(() => {
    prefix = uniqueTestPrefix('scaling');
    transport = { url: TEST_REDIS_URL, prefix, service: SERVICE };
    client = new RedisStreamsClient({ ...transport, defaultTimeoutMs: 10_000 });
  });

  afterEach(async () => {
    await client.close();
    await Promise.all(workers.splice(0).map((worker) => worker.close()));
    await deletePrefixedKeys(redis, prefix);
  });

  afterAll(async () => {
    await redis.quit();
  });

  const lengthIs = async (lane: string, n: number) => (await redis.xlen(testStreamKeys(prefix, SERVICE).lane(lane))) === n;

  it('gives each of 200 concurrent requests to exactly one of two replicas', async () => {
    const handler = async (data: unknown) => {
      await delay(2);
      return data;
    };
    const [a, b] = await Promise.all([
      start({ ...transport, consumerName: 'replica-a', maxInFlight: 8, blockMs: 200 }, handler),
      start({ ...transport, consumerName: 'replica-b', maxInFlight: 8, blockMs: 200 }, handler),
    ]);

    const ids = Array.from({ length: 200 }, (_, i) => i);
    const replies = await Promise.all(ids.map((i) => firstValueFrom(client.send(WORK_PATTERN, { i }))));

    expect(replies).toEqual(ids.map((i) => ({ i })));
    const calls = [...a.recorder.calls, ...b.recorder.calls];
    expect(calls).toHaveLength(200);
    expect(new Set(calls.map((call) => call.entryId)).size).toBe(200);
    expect(new Set(calls.map((call) => (call.data as { i: number }).i)).size).toBe(200);
    expect(calls.every((call) => call.deliveryCount === 1)).toBe(true);
    // Both replicas took a share (each can hold at most 8 at a time).
    expect(a.recorder.calls.length).toBeGreaterThan(0);
    expect(b.recorder.calls.length).toBeGreaterThan(0);
    await waitFor(async () => (await redis.xpending(testStreamKeys(prefix, SERVICE).lane('live'), GROUP))[0] === 0, { description: 'all acknowledged' });
  });

  it('drains the live lane before reading the bulk lane', async () => {
    await client.connect();
    const calls = [
      ...Array.from({ length: 5 }, (_, i) => firstValueFrom(client.send(WORK_PATTERN, { lane: 'bulk', i }, { lane: 'bulk' }))),
      ...Array.from({ length: 5 }, (_, i) => firstValueFrom(client.send(WORK_PATTERN, { lane: 'live', i }, { lane: 'live' }))),
    ];
    await waitFor(async () => (await lengthIs('bulk', 5)) && (await lengthIs('live', 5)), { description: 'all enqueued' });

    const worker = await start({ ...transport, maxInFlight: 1, blockMs: 200 });
    await Promise.all(calls);

    expect(worker.recorder.calls.map((call) => call.lane)).toEqual([...Array(5).fill('live'), ...Array(5).fill('bulk')]);
    // Within a lane, FIFO.
    expect(worker.recorder.calls.slice(0, 5).map((call) => (call.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
  });

  it('dispatches all entries of one read in the same tick, so an app-level batcher sees them together', async () => {
    await client.connect();
    const calls = Array.from({ length: 6 }, (_, i) => firstValueFrom(client.send(WORK_PATTERN, { i })));
    await waitFor(() => lengthIs('live', 6), { description: 'all enqueued' });

    // The batcher pattern of the inference app: collect items, flush on setImmediate.
    const batches: number[][] = [];
    let open: number[] | undefined;
    const batcher = (data: unknown) => {
      if (!open) {
        const batch: number[] = [];
        batches.push(batch);
        open = batch;
        setImmediate(() => (open = undefined));
      }
      open.push((data as { i: number }).i);
      return data;
    };
    await start({ ...transport, maxInFlight: 16, blockMs: 200 }, batcher);
    await Promise.all(calls);

    expect(batches).toEqual([[0, 1, 2, 3, 4, 5]]);
  });

  it('never runs more than maxInFlight handlers at once', async () => {
    let running = 0;
    let peak = 0;
    const worker = await start({ ...transport, maxInFlight: 3, blockMs: 200 }, async (data) => {
      running += 1;
      peak = Math.max(peak, running);
      await delay(10);
      running -= 1;
      return data;
    });
    await Promise.all(Array.from({ length: 30 }, (_, i) => firstValueFrom(client.send(WORK_PATTERN, { i }))));
    expect(worker.recorder.calls).toHaveLength(30);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });
});
