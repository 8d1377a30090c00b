import type { Prediction } from '@sentiment-ops/contracts';
import { DynamicBatcher } from './dynamic-batcher';

const fakePrediction = (text: string): Prediction => ({
  label: 'neutral',
  confidence: text.length,
  probabilities: { negative: 0, neutral: 1, positive: 0 },
  tokens: text.length,
});

describe('DynamicBatcher', () => {
  it('merges requests submitted together into one call and splits results in order', async () => {
    const calls: string[][] = [];
    const batcher = new DynamicBatcher(async (texts) => {
      calls.push(texts);
      return texts.map(fakePrediction);
    }, 100);
    const [a, b, c] = await Promise.all([batcher.submit(['a']), batcher.submit(['bb', 'ccc']), batcher.submit(['dddd'])]);
    expect(calls).toEqual([['a', 'bb', 'ccc', 'dddd']]);
    expect(a.map((p) => p.confidence)).toEqual([1]);
    expect(b.map((p) => p.confidence)).toEqual([2, 3]);
    expect(c.map((p) => p.confidence)).toEqual([4]);
  });

  it('runs one call at a time and batches what arrived meanwhile', async () => {
    const calls: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new DynamicBatcher(async (texts) => {
      calls.push(texts);
      if (calls.length === 1) await gate;
      return texts.map(fakePrediction);
    }, 100);
    const first = batcher.submit(['x']);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [batcher.submit(['y']), batcher.submit(['z'])];
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(1);
    release();
    await Promise.all([first, ...later]);
    expect(calls).toEqual([['x'], ['y', 'z']]);
  });

  it('respects the item cap between requests and rejects only the failed call', async () => {
    const calls: number[] = [];
    const batcher = new DynamicBatcher(async (texts) => {
      calls.push(texts.length);
      if (texts.includes('boom')) throw new Error('model failed');
      return texts.map(fakePrediction);
    }, 3);
    const results = await Promise.allSettled([batcher.submit(['a', 'b']), batcher.submit(['boom', 'c']), batcher.submit(['d'])]);
    expect(calls).toEqual([2, 3]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
  });
});

describe('DynamicBatcher with a batch wait', () => {
  afterEach(() => jest.useRealTimers());

  const gatedBatcher = (maxItems: number, waitMs: number) => {
    const calls: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new DynamicBatcher(async (texts) => {
      calls.push(texts);
      if (calls.length === 1) await gate;
      return texts.map(fakePrediction);
    }, maxItems, undefined, waitMs);
    return { batcher, calls, release: () => release() };
  };

  it('runs a request that finds it idle at once, and never waits after a one-request call', async () => {
    jest.useFakeTimers();
    const calls: string[][] = [];
    const batcher = new DynamicBatcher(async (texts) => {
      calls.push(texts);
      return texts.map(fakePrediction);
    }, 100, undefined, 10);
    await Promise.all([batcher.submit(['a']), jest.advanceTimersByTimeAsync(0)]);
    await Promise.all([batcher.submit(['b']), jest.advanceTimersByTimeAsync(0)]);
    expect(calls).toEqual([['a'], ['b']]);
  });

  it('after a busy call, waits for as many items as it served plus those queued, at most waitMs', async () => {
    jest.useFakeTimers();
    const { batcher, calls, release } = gatedBatcher(100, 10);
    const first = [batcher.submit(['a']), batcher.submit(['b'])];
    await jest.advanceTimersByTimeAsync(0);
    const queued = batcher.submit(['c']); // arrives while the first call runs
    release();
    await Promise.all(first);
    await jest.advanceTimersByTimeAsync(3);
    expect(calls).toEqual([['a', 'b']]); // 1 of 3 expected items: keeps waiting
    const back = [batcher.submit(['d']), batcher.submit(['e'])]; // the two clients just answered
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([['a', 'b'], ['c', 'd', 'e']]); // all three: no need to wait longer
    await Promise.all([queued, ...back]);
  });

  it('starts the next call at the deadline even if not everyone came back', async () => {
    jest.useFakeTimers();
    const { batcher, calls, release } = gatedBatcher(100, 10);
    const first = [batcher.submit(['a']), batcher.submit(['b'])];
    await jest.advanceTimersByTimeAsync(0);
    release();
    await Promise.all(first);
    const late = batcher.submit(['c']);
    await jest.advanceTimersByTimeAsync(9);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([['a', 'b'], ['c']]);
    await late;
  });

  it('does not wait when the waiting items already fill a call', async () => {
    jest.useFakeTimers();
    const { batcher, calls, release } = gatedBatcher(3, 1000);
    const first = [batcher.submit(['a']), batcher.submit(['b'])];
    await jest.advanceTimersByTimeAsync(0);
    const pending = [batcher.submit(['c']), batcher.submit(['d', 'e'])];
    release();
    await Promise.all(first);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([['a', 'b'], ['c', 'd', 'e']]);
    await Promise.all(pending);
  });
});

describe('DynamicBatcher early answers', () => {
  it('resolves each request once all its texts are reported, before the call ends', async () => {
    let finishCall!: () => void;
    const callEnd = new Promise<void>((resolve) => (finishCall = resolve));
    const resolvedWhileRunning: string[] = [];
    const batcher = new DynamicBatcher(async (texts, onPartial) => {
      // The runtime computes in length-sorted sub-batches: here first texts 1 and 2, then 0 and 3.
      onPartial([1, 2], [fakePrediction(texts[1]), fakePrediction(texts[2])]);
      await new Promise((resolve) => setImmediate(resolve));
      await callEnd;
      onPartial([0, 3], [fakePrediction(texts[0]), fakePrediction(texts[3])]);
      return texts.map(fakePrediction);
    }, 100);
    const long = batcher.submit(['aaaa']).then((p) => (resolvedWhileRunning.push('long'), p));
    const short = batcher.submit(['b', 'cc']).then((p) => (resolvedWhileRunning.push('short'), p));
    const mixed = batcher.submit(['dddddd']).then((p) => (resolvedWhileRunning.push('mixed'), p));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(resolvedWhileRunning).toEqual(['short']);
    finishCall();
    const [a, b, c] = await Promise.all([long, short, mixed]);
    expect(a.map((p) => p.confidence)).toEqual([4]);
    expect(b.map((p) => p.confidence)).toEqual([1, 2]);
    expect(c.map((p) => p.confidence)).toEqual([6]);
  });

  it('rejects only the requests not yet answered when the call fails', async () => {
    const batcher = new DynamicBatcher(async (texts, onPartial) => {
      onPartial([0], [fakePrediction(texts[0])]);
      throw new Error('model failed');
    }, 100);
    const results = await Promise.allSettled([batcher.submit(['a']), batcher.submit(['b'])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
  });
});
