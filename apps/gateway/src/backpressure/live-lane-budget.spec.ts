import { Logger } from '@nestjs/common';
import { createMetricsRegistry } from '@sentiment-ops/metrics';
import type { Registry } from 'prom-client';
import { LIVE_LANE_REFRESH_MS, LiveLaneBudget } from './live-lane-budget';
import { LiveQueueFullException } from './live-queue-full.exception';

/** Redis as the budget sees it: a live lane whose counts the test sets, and how often it was read. */
class FakeLane {
  waiting = 0;
  pending = 0;
  reads = 0;
  failure: Error | null = null;

  async laneStats(): Promise<{ waiting: number; pending: number }> {
    this.reads++;
    if (this.failure) throw this.failure;
    return { waiting: this.waiting, pending: this.pending };
  }
}

/** A call the test ends by hand. */
const heldCall = () => {
  let finish!: () => void;
  const done = new Promise<string>((resolve) => (finish = () => resolve('ok')));
  return { call: () => done, finish };
};

/** Lets started calls get through admission before the test moves the clock. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const refusal = (promise: Promise<unknown>): Promise<LiveQueueFullException> =>
  promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => {
      if (error instanceof LiveQueueFullException) return error;
      throw error;
    },
  );

describe('LiveLaneBudget', () => {
  let lane: FakeLane;
  let clock: number;
  let registry: Registry;
  const budget = (limits = { maxDepth: 100, maxWaitMs: 0 }) => new LiveLaneBudget(lane, { limits, registry, now: () => clock });

  beforeEach(() => {
    lane = new FakeLane();
    clock = 1_000;
    registry = createMetricsRegistry();
  });

  it('reads Redis once per refresh interval, however many requests arrive', async () => {
    const subject = budget();
    await Promise.all(Array.from({ length: 50 }, () => subject.run(1, async () => 'ok')));
    expect(lane.reads).toBe(1);
    clock += LIVE_LANE_REFRESH_MS - 1;
    await subject.run(1, async () => 'ok');
    expect(lane.reads).toBe(1);
    clock += 1;
    await subject.run(1, async () => 'ok');
    expect(lane.reads).toBe(2);
  });

  it('counts its own admitted texts at once, so a burst between two reads cannot overfill the lane', async () => {
    const subject = budget();
    const held = heldCall();
    const admitted = subject.run(60, held.call);
    const burst = await Promise.allSettled(Array.from({ length: 50 }, () => subject.run(1, async () => 'ok')));
    expect(burst.filter((r) => r.status === 'fulfilled')).toHaveLength(40);
    const refused = await refusal(subject.run(41, async () => 'ok'));
    expect(refused).toMatchObject({ limit: 'depth', retryAfterSeconds: 1, message: 'live queue is full: 60 items waiting + 41 in this request (limit 100, LIVE_QUEUE_MAX_DEPTH); retry in 1 s' });
    expect(lane.reads).toBe(1);

    held.finish();
    await admitted;
    await expect(subject.run(100, async () => 'ok')).resolves.toBe('ok'); // released when answered
  });

  it('adds the entries of others (other gateways, leftovers) from Redis, minus its own calls', async () => {
    const subject = budget();
    const held = heldCall();
    const mine = subject.run(30, held.call);
    await settle();
    lane.waiting = 50; // 49 of other callers and this gateway's one entry
    lane.pending = 20;
    clock += LIVE_LANE_REFRESH_MS;
    expect(await subject.view()).toEqual({ backlogItems: 30 + 69, perItemMs: null });
    await expect(subject.run(1, async () => 'ok')).resolves.toBe('ok');
    await expect(refusal(subject.run(2, async () => 'ok'))).resolves.toMatchObject({ message: expect.stringContaining('99 items waiting + 2 in this request') });
    held.finish();
    await mine;
  });

  it('refuses on the estimated wait once calls were timed, and counts refusals by limit', async () => {
    const subject = budget({ maxDepth: 0, maxWaitMs: 1_000 });
    const held = heldCall();
    lane.waiting = 9;
    const timed = subject.run(1, held.call); // 9 texts ahead of it
    await settle();
    clock += 200; // answered after 200 ms: 20 ms per text
    held.finish();
    await timed;
    lane.waiting = 60;
    clock += LIVE_LANE_REFRESH_MS;
    const refused = await refusal(subject.run(1, async () => 'ok'));
    expect(refused).toMatchObject({ limit: 'wait', retryAfterSeconds: 1 });
    expect(refused.message).toMatch(/^live queue is too slow: estimated wait 1\.2 s for 60 items waiting \(limit 1 s, LIVE_QUEUE_MAX_WAIT_MS\)/);
    const metrics = await registry.metrics();
    expect(metrics).toContain('http_backpressure_rejections_total{limit="wait"} 1');
    expect(metrics).toContain('live_queue_backlog_items 60');
    expect(Number(/^live_queue_estimated_wait_seconds (\S+)$/m.exec(metrics)?.[1])).toBeCloseTo(1.2, 6);
  });

  it('admits on its own count while Redis cannot be read, and does not retry the read within the interval', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const subject = budget();
    lane.failure = new Error('Connection is closed.');
    await expect(subject.run(100, async () => 'ok')).resolves.toBe('ok');
    await expect(subject.run(1, async () => 'ok')).resolves.toBe('ok');
    expect(lane.reads).toBe(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('live lane backlog unknown'));
    warn.mockRestore();
  });

  it('releases what a failed call held', async () => {
    const subject = budget();
    await expect(subject.run(100, async () => Promise.reject(new Error('deadline')))).rejects.toThrow('deadline');
    await expect(subject.run(100, async () => 'ok')).resolves.toBe('ok');
  });

  it('stays out of the way with both limits at 0', async () => {
    const subject = budget({ maxDepth: 0, maxWaitMs: 0 });
    lane.waiting = 1_000_000;
    await expect(subject.run(100, async () => 'ok')).resolves.toBe('ok');
    expect(lane.reads).toBe(0);
  });
});
