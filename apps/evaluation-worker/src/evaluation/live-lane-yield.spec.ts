import { LIVE_YIELD_POLL_MS, yieldToLiveLane, type YieldDeps } from './live-lane-yield';

/** A live lane whose backlog follows a script, a manual clock, and a record of what the yield did. */
const scenario = (backlogs: (number | Error)[], overrides: Partial<YieldDeps> = {}) => {
  let clock = 0;
  const events: string[] = [];
  let waited = 0;
  let reads = 0;
  const deps: YieldDeps = {
    liveBacklog: async () => {
      const next = backlogs[Math.min(reads++, backlogs.length - 1)];
      if (next instanceof Error) throw next;
      return next;
    },
    isCancelled: async () => false,
    sleep: async (ms) => {
      clock += ms;
    },
    now: () => clock,
    maxLiveDepth: 0,
    maxWaitMs: 10_000,
    onWaited: (ms) => (waited += ms),
    log: (event) => events.push(event.state),
    ...overrides,
  };
  return { deps, events, waited: () => waited, reads: () => reads, clock: () => clock };
};

describe('yieldToLiveLane', () => {
  it('goes at once while the live lane is within BULK_YIELD_LIVE_DEPTH', async () => {
    const s = scenario([2], { maxLiveDepth: 2 });
    await expect(yieldToLiveLane(s.deps)).resolves.toBe('go');
    expect(s.events).toEqual([]);
    expect(s.waited()).toBe(0);
  });

  it('waits while live requests are queued and goes when they are answered, counting the time held back', async () => {
    const s = scenario([5, 3, 1, 0]);
    await expect(yieldToLiveLane(s.deps)).resolves.toBe('go');
    expect(s.events).toEqual(['yielding', 'resumed']);
    expect(s.reads()).toBe(4);
    expect(s.waited()).toBe(3 * LIVE_YIELD_POLL_MS);
  });

  it('goes anyway after BULK_YIELD_MAX_WAIT_MS, so a job progresses under steady live load', async () => {
    const s = scenario([7], { maxWaitMs: 1_000 });
    await expect(yieldToLiveLane(s.deps)).resolves.toBe('go');
    expect(s.events).toEqual(['yielding', 'cap_reached']);
    expect(s.clock()).toBe(1_000);
    expect(s.waited()).toBe(1_000);
  });

  it('stops waiting as soon as the run is cancelled', async () => {
    let checks = 0;
    const s = scenario([9], { isCancelled: async () => ++checks === 2 });
    await expect(yieldToLiveLane(s.deps)).resolves.toBe('cancelled');
    expect(s.clock()).toBe(2 * LIVE_YIELD_POLL_MS);
  });

  it('never waits with BULK_YIELD_MAX_WAIT_MS=0, nor when Redis cannot be read', async () => {
    const off = scenario([100], { maxWaitMs: 0 });
    await expect(yieldToLiveLane(off.deps)).resolves.toBe('go');
    expect(off.reads()).toBe(0);
    const down = scenario([new Error('Connection is closed.')]);
    await expect(yieldToLiveLane(down.deps)).resolves.toBe('go');
    expect(down.waited()).toBe(0);
  });
});
