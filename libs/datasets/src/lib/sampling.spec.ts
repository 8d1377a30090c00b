import { join } from 'node:path';
import type { SamplingStrategy, SentimentLabel } from '@sentiment-ops/contracts';
import { tempDir, tweetRows, writeJsonl } from '../test/fixtures';
import type { LabelledRow } from './dataset-source';
import { LocalDatasetSource } from './local-source';
import { largestRemainder, seededRandom } from './random';
import { sampleRows, type SampleOptions } from './sampling';

const countLabels = (rows: LabelledRow[]): Record<SentimentLabel, number> => {
  const counts = { negative: 0, neutral: 0, positive: 0 };
  for (const row of rows) counts[row.label] += 1;
  return counts;
};

// 1,000 rows: 500 negative / 300 neutral / 200 positive, interleaved.
const PATTERN = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2];

describe('sampleRows', () => {
  const dir = tempDir('sampling');
  const source = new LocalDatasetSource({ datasetsDir: dir.path });
  const options = (overrides: Partial<SampleOptions>): SampleOptions => ({ strategy: 'first', samples: 10, seed: 42, maxSamples: 5000, ...overrides });

  beforeAll(() => {
    writeJsonl(join(dir.path, 'tweet_eval', 'test.jsonl'), tweetRows(1000, PATTERN));
    // A malformed line right after row 4: reading it would throw.
    writeJsonl(join(dir.path, 'tweet_eval', 'validation.jsonl'), [...tweetRows(5, [1]), '{not json', ...tweetRows(5, [2])]);
    writeJsonl(join(dir.path, 'tweet_eval', 'train.jsonl'), [
      ...tweetRows(6, [0, 1, 2]),
      { text: 'odd', label: 9 },
      { text: '', label: 1 },
      { text: 'no label' },
      ...tweetRows(3, [2]),
    ]);
  });
  afterAll(() => dir.remove());

  it('first: takes the first N rows in order', async () => {
    const result = await sampleRows(source, 'tweet_eval', 'test', options({ strategy: 'first', samples: 25 }));
    expect(result.rows.map((r) => r.index)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(result).toMatchObject({ total: 1000, skippedInvalid: 0 });
  });

  it('first: reads only the rows it needs (a malformed line after row N is never parsed)', async () => {
    const result = await sampleRows(source, 'tweet_eval', 'validation', options({ strategy: 'first', samples: 5 }));
    expect(result.rows).toHaveLength(5);
    await expect(sampleRows(source, 'tweet_eval', 'validation', options({ strategy: 'first', samples: 6 }))).rejects.toMatchObject({ code: 'MALFORMED_DATA' });
  });

  it('random: same seed gives the same rows, sorted by index and distinct', async () => {
    const a = await sampleRows(source, 'tweet_eval', 'test', options({ strategy: 'random', samples: 50, seed: 7 }));
    const b = await sampleRows(source, 'tweet_eval', 'test', options({ strategy: 'random', samples: 50, seed: 7 }));
    expect(a.rows).toEqual(b.rows);
    const indexes = a.rows.map((r) => r.index);
    expect(indexes).toEqual([...indexes].sort((x, y) => x - y));
    expect(new Set(indexes).size).toBe(50);
    expect(indexes[49]).toBeGreaterThan(100); // drawn from the whole split, not its head
  });

  it('random: different seeds give different rows', async () => {
    const draws = await Promise.all([1, 2, 3].map((seed) => sampleRows(source, 'tweet_eval', 'test', options({ strategy: 'random', samples: 50, seed }))));
    const keys = draws.map((d) => d.rows.map((r) => r.index).join(','));
    expect(new Set(keys).size).toBe(3);
  });

  it('stratified: preserves class proportions exactly, with largest-remainder rounding', async () => {
    const hundred = await sampleRows(source, 'tweet_eval', 'test', options({ strategy: 'stratified', samples: 100, seed: 3 }));
    expect(countLabels(hundred.rows)).toEqual({ negative: 50, neutral: 30, positive: 20 });
    // 7 × (0.5, 0.3, 0.2) = 3.5 / 2.1 / 1.4 → 3 / 2 / 1 + the remaining one to the largest remainder.
    const seven = await sampleRows(source, 'tweet_eval', 'test', options({ strategy: 'stratified', samples: 7, seed: 3 }));
    expect(countLabels(seven.rows)).toEqual({ negative: 4, neutral: 2, positive: 1 });
    const again = await sampleRows(source, 'tweet_eval', 'test', options({ strategy: 'stratified', samples: 100, seed: 3 }));
    expect(again.rows).toEqual(hundred.rows);
    const other = await sampleRows(source, 'tweet_eval', 'test', options({ strategy: 'stratified', samples: 100, seed: 4 }));
    expect(other.rows).not.toEqual(hundred.rows);
    expect(countLabels(other.rows)).toEqual({ negative: 50, neutral: 30, positive: 20 });
  });

  it.each<SamplingStrategy>(['first', 'random', 'stratified'])('%s: skips and counts invalid rows', async (strategy) => {
    const result = await sampleRows(source, 'tweet_eval', 'train', options({ strategy, samples: null }));
    expect(result.total).toBe(12);
    expect(result.rows).toHaveLength(9);
    expect(result.skippedInvalid).toBe(3);
    expect(result.invalidExamples.map((r) => r.index)).toEqual([6, 7, 8]);
  });

  it('samples null or above the split size = the whole split; null is capped at maxSamples', async () => {
    expect((await sampleRows(source, 'tweet_eval', 'test', options({ samples: null }))).rows).toHaveLength(1000);
    expect((await sampleRows(source, 'tweet_eval', 'test', options({ strategy: 'random', samples: 4000 }))).rows).toHaveLength(1000);
    const capped = await sampleRows(source, 'tweet_eval', 'test', options({ strategy: 'stratified', samples: null, maxSamples: 10 }));
    expect(countLabels(capped.rows)).toEqual({ negative: 5, neutral: 3, positive: 2 });
  });

  it('rejects bad bounds before reading anything', async () => {
    await expect(sampleRows(source, 'tweet_eval', 'test', options({ samples: 5001 }))).rejects.toMatchObject({ code: 'TOO_MANY_SAMPLES' });
    for (const samples of [0, -3, 2.5, Number.NaN]) {
      await expect(sampleRows(source, 'tweet_eval', 'test', options({ samples }))).rejects.toMatchObject({ code: 'INVALID_SAMPLES' });
    }
    await expect(sampleRows(source, 'tweet_eval', 'test', options({ strategy: 'shuffled' as SamplingStrategy }))).rejects.toMatchObject({
      code: 'INVALID_SAMPLING_OPTIONS',
      validValues: ['first', 'random', 'stratified'],
    });
    await expect(sampleRows(source, 'tweet_eval', 'test', options({ seed: 1.5 }))).rejects.toMatchObject({ code: 'INVALID_SAMPLING_OPTIONS' });
    await expect(sampleRows(source, 'tweet_eval', 'dev', options({}))).rejects.toMatchObject({ code: 'UNKNOWN_SPLIT' });
  });
});

describe('largestRemainder', () => {
  it('sums to the total exactly and never exceeds a class', () => {
    for (const total of [0, 1, 7, 99, 100, 12284]) {
      const quotas = largestRemainder({ negative: 3972, neutral: 5937, positive: 2375 }, total);
      expect(quotas.negative + quotas.neutral + quotas.positive).toBe(total);
    }
    expect(largestRemainder({ a: 1, b: 1, c: 1 }, 2)).toEqual({ a: 1, b: 1, c: 0 });
    expect(largestRemainder({ a: 0, b: 0 }, 3)).toEqual({ a: 0, b: 0 });
  });
});

describe('seededRandom', () => {
  it('is deterministic per seed, in [0, 1)', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(draw(0)).toEqual(draw(0));
    expect(draw(0)).not.toEqual(draw(1));
    expect(draw(2 ** 40)).not.toEqual(draw(0));
    expect(draw(123).every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
