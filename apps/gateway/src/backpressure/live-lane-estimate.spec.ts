import fc from 'fast-check';
import { judgeAdmission, PerItemTimeEstimator, RETRY_AFTER_MAX_SECONDS, type LiveLaneView } from './live-lane-estimate';

const limits = { maxDepth: 512, maxWaitMs: 5_000 };
const view = (backlogItems: number, perItemMs: number | null = null): LiveLaneView => ({ backlogItems, perItemMs });

describe('judgeAdmission', () => {
  it('admits up to LIVE_QUEUE_MAX_DEPTH texts, this request included, and refuses the next one', () => {
    expect(judgeAdmission(view(511), 1, limits)).toEqual({ admit: true });
    expect(judgeAdmission(view(412), 100, limits)).toEqual({ admit: true });
    expect(judgeAdmission(view(512), 1, limits)).toMatchObject({ admit: false, limit: 'depth', backlogItems: 512 });
  });

  it('counts the texts of a batch, and names both numbers and the limit', () => {
    const verdict = judgeAdmission(view(450), 100, limits);
    expect(verdict).toMatchObject({ admit: false, limit: 'depth' });
    expect(verdict.admit === false && verdict.message).toBe('live queue is full: 450 items waiting + 100 in this request (limit 512, LIVE_QUEUE_MAX_DEPTH); retry in 1 s');
  });

  it('asks to retry when the excess should be worked off, at least 1 s, at most a minute', () => {
    // 640 + 1 - 512 = 129 texts over, at 20 ms each: 2.58 s.
    expect(judgeAdmission(view(640, 20), 1, limits)).toMatchObject({ retryAfterSeconds: 3, message: 'live queue is full: 640 items waiting (limit 512, LIVE_QUEUE_MAX_DEPTH); retry in 3 s' });
    expect(judgeAdmission(view(513, 0.5), 1, { ...limits, maxWaitMs: 0 })).toMatchObject({ retryAfterSeconds: 1 });
    expect(judgeAdmission(view(100_000, 50), 1, { ...limits, maxWaitMs: 0 })).toMatchObject({ retryAfterSeconds: RETRY_AFTER_MAX_SECONDS });
  });

  it('refuses when the estimated wait is over LIVE_QUEUE_MAX_WAIT_MS, and not before a time per text is known', () => {
    expect(judgeAdmission(view(300), 1, limits)).toEqual({ admit: true });
    expect(judgeAdmission(view(250, 20), 1, limits)).toEqual({ admit: true }); // 5.0 s: at the limit
    const verdict = judgeAdmission(view(300, 20), 1, limits);
    expect(verdict).toMatchObject({ admit: false, limit: 'wait', estimatedWaitMs: 6_000, retryAfterSeconds: 1 });
    expect(verdict.admit === false && verdict.message).toBe('live queue is too slow: estimated wait 6.0 s for 300 items waiting (limit 5 s, LIVE_QUEUE_MAX_WAIT_MS); retry in 1 s');
    expect(judgeAdmission(view(400, 20), 1, limits)).toMatchObject({ limit: 'wait', retryAfterSeconds: 3 });
  });

  it('never refuses with both limits at 0, and always answers a whole Retry-After within bounds', () => {
    const views = fc.record({ backlogItems: fc.nat(1_000_000), perItemMs: fc.option(fc.double({ min: 0, max: 10_000, noNaN: true }), { nil: null }) });
    const items = fc.integer({ min: 1, max: 100 });
    fc.assert(fc.property(views, items, (v, n) => judgeAdmission(v, n, { maxDepth: 0, maxWaitMs: 0 }).admit));
    fc.assert(
      fc.property(views, items, fc.integer({ min: 100, max: 5_000 }), fc.nat(20_000), (v, n, maxDepth, maxWaitMs) => {
        const verdict = judgeAdmission(v, n, { maxDepth, maxWaitMs });
        return verdict.admit || (Number.isInteger(verdict.retryAfterSeconds) && verdict.retryAfterSeconds >= 1 && verdict.retryAfterSeconds <= RETRY_AFTER_MAX_SECONDS);
      }),
    );
  });

  it('is monotonic: a request admitted behind a backlog is admitted behind any shorter one', () => {
    fc.assert(
      fc.property(fc.nat(2_000), fc.nat(2_000), fc.integer({ min: 1, max: 100 }), fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }), (a, b, n, perItemMs) => {
        const [shorter, longer] = a < b ? [a, b] : [b, a];
        return !judgeAdmission(view(longer, perItemMs), n, limits).admit || judgeAdmission(view(shorter, perItemMs), n, limits).admit;
      }),
    );
  });
});

describe('PerItemTimeEstimator', () => {
  it('knows nothing before a call was timed', () => {
    expect(new PerItemTimeEstimator().perItemMs(0)).toBeNull();
  });

  it('divides a call time by the texts ahead of it plus its own (Little)', () => {
    const estimator = new PerItemTimeEstimator();
    estimator.observe(0, 199, 1, 400);
    expect(estimator.perItemMs(0)).toBeCloseTo(2, 10);
  });

  it('lets calls made under load outweigh calls into an idle lane', () => {
    const estimator = new PerItemTimeEstimator();
    estimator.observe(0, 0, 1, 30); // idle: one text alone takes a whole model call
    estimator.observe(10, 299, 1, 600); // loaded: 300 texts worked off in 600 ms
    expect(estimator.perItemMs(10)).toBeLessThan(2.2);
  });

  it('is not thrown by one stalled call (a model loading): the next calls under load set it again', () => {
    const estimator = new PerItemTimeEstimator();
    estimator.observe(0, 0, 1, 10_000);
    for (let t = 100; t <= 1_000; t += 100) estimator.observe(t, 9, 1, 20); // 2 ms per text
    expect(estimator.perItemMs(1_000)).toBeLessThan(4);
  });

  it('follows a change of throughput: older calls fade within seconds', () => {
    const estimator = new PerItemTimeEstimator();
    for (let t = 0; t < 1_000; t += 10) estimator.observe(t, 99, 1, 1_000); // 10 ms per text
    for (let t = 20_000; t < 21_000; t += 10) estimator.observe(t, 99, 1, 200); // a replica added: 2 ms
    const perItemMs = estimator.perItemMs(21_000) ?? Number.NaN;
    expect(perItemMs).toBeGreaterThanOrEqual(2);
    expect(perItemMs).toBeLessThan(2.3);
  });

  it('keeps the last estimate through a long idle spell, and ignores nonsense', () => {
    const estimator = new PerItemTimeEstimator();
    estimator.observe(0, 9, 1, 50);
    estimator.observe(1, 0, 0, 50);
    estimator.observe(1, -1, 1, 50);
    estimator.observe(1, 0, 1, Number.NaN);
    expect(estimator.perItemMs(10 * 3_600_000)).toBeCloseTo(5, 10);
    estimator.observe(10 * 3_600_000, 0, 1, 1.25);
    expect(estimator.perItemMs(10 * 3_600_000)).toBeCloseTo(2.5, 10); // the past now weighs one text: √(5 × 1.25)
  });
});
