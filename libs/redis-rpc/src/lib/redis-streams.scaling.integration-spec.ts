import { firstValueFrom } from 'rxjs';
import {
  delay,
  testStreamKeys,
  useTransportSuite,
  waitFor,
  WORK_PATTERN,
} from '../testing';

const SERVICE = 'inference-scale';
const GROUP = `${SERVICE}-workers`;

describe('RedisStreams transport: work sharing and priorities', () => {
  const suite = useTransportSuite({ service: SERVICE, label: 'scaling', clientTimeoutMs: 10_000 });

  const lengthIs = async (lane: string, n: number) => (await suite.redis.xlen(testStreamKeys(suite.prefix, SERVICE).lane(lane))) === n;

  it('gives each of 200 concurrent requests to exactly one of two replicas', async () => {
    const handler = async (data: unknown) => {
      await delay(2);
      return data;
    };
    const [a, b] = await Promise.all([
      suite.start({ ...suite.transport, consumerName: 'replica-a', maxInFlight: 8, blockMs: 200 }, handler),
      suite.start({ ...suite.transport, consumerName: 'replica-b', maxInFlight: 8, blockMs: 200 }, handler),
    ]);

    const ids = Array.from({ length: 200 }, (_, i) => i);
    const replies = await Promise.all(ids.map((i) => firstValueFrom(suite.client.send(WORK_PATTERN, { i }))));

    expect(replies).toEqual(ids.map((i) => ({ i })));
    const calls = [...a.recorder.calls, ...b.recorder.calls];
    expect(calls).toHaveLength(200);
    expect(new Set(calls.map((call) => call.entryId)).size).toBe(200);
    expect(new Set(calls.map((call) => (call.data as { i: number }).i)).size).toBe(200);
    expect(calls.every((call) => call.deliveryCount === 1)).toBe(true);
    // Both replicas took a share (each can hold at most 8 at a time).
    expect(a.recorder.calls.length).toBeGreaterThan(0);
    expect(b.recorder.calls.length).toBeGreaterThan(0);
    await waitFor(async () => (await suite.redis.xpending(testStreamKeys(suite.prefix, SERVICE).lane('live'), GROUP))[0] === 0, { description: 'all acknowledged' });
  });

  it('drains the live lane before reading the bulk lane', async () => {
    await suite.client.connect();
    const calls = [
      ...Array.from({ length: 5 }, (_, i) => firstValueFrom(suite.client.send(WORK_PATTERN, { lane: 'bulk', i }, { lane: 'bulk' }))),
      ...Array.from({ length: 5 }, (_, i) => firstValueFrom(suite.client.send(WORK_PATTERN, { lane: 'live', i }, { lane: 'live' }))),
    ];
    await waitFor(async () => (await lengthIs('bulk', 5)) && (await lengthIs('live', 5)), { description: 'all enqueued' });

    const worker = await suite.start({ ...suite.transport, maxInFlight: 1, blockMs: 200 });
    await Promise.all(calls);

    expect(worker.recorder.calls.map((call) => call.lane)).toEqual([...Array(5).fill('live'), ...Array(5).fill('bulk')]);
    // Within a lane, FIFO.
    expect(worker.recorder.calls.slice(0, 5).map((call) => (call.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
  });

  it('dispatches all entries of one read in the same tick, so an app-level batcher sees them together', async () => {
    await suite.client.connect();
    const calls = Array.from({ length: 6 }, (_, i) => firstValueFrom(suite.client.send(WORK_PATTERN, { i })));
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
    await suite.start({ ...suite.transport, maxInFlight: 16, blockMs: 200 }, batcher);
    await Promise.all(calls);

    expect(batches).toEqual([[0, 1, 2, 3, 4, 5]]);
  });

  it('never runs more than maxInFlight handlers at once', async () => {
    let running = 0;
    let peak = 0;
    const worker = await suite.start({ ...suite.transport, maxInFlight: 3, blockMs: 200 }, async (data) => {
      running += 1;
      peak = Math.max(peak, running);
      await delay(10);
      running -= 1;
      return data;
    });
    await Promise.all(Array.from({ length: 30 }, (_, i) => firstValueFrom(suite.client.send(WORK_PATTERN, { i }))));
    expect(worker.recorder.calls).toHaveLength(30);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });
});
