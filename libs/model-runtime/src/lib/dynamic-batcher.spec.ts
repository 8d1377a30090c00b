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

  it('holds a lone request up to waitMs so later ones join its call', async () => {
    jest.useFakeTimers();
    const calls: string[][] = [];
    const batcher = new DynamicBatcher(async (texts) => {
      calls.push(texts);
      return texts.map(fakePrediction);
    }, 100, undefined, 10);
    const first = batcher.submit(['a']);
    await jest.advanceTimersByTimeAsync(5);
    expect(calls).toHaveLength(0);
    const second = batcher.submit(['b']);
    await jest.advanceTimersByTimeAsync(5);
    await Promise.all([first, second]);
    expect(calls).toEqual([['a', 'b']]);
  });

  it('does not wait once the queued items fill a call', async () => {
    jest.useFakeTimers();
    const calls: string[][] = [];
    const batcher = new DynamicBatcher(async (texts) => {
      calls.push(texts);
      return texts.map(fakePrediction);
    }, 3, undefined, 1000);
    const pending = [batcher.submit(['a']), batcher.submit(['b', 'c'])];
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([['a', 'b', 'c']]);
    await Promise.all(pending);
  });
});
