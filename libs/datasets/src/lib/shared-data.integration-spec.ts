import { existsSync } from 'node:fs';
import type { SentimentLabel } from '@sentiment-ops/contracts';
import { sharedDataDir } from '../test/fixtures';
import type { InvalidRow } from './dataset-source';
import { LocalDatasetSource } from './local-source';
import { sampleRows } from './sampling';

// The offline copy lives next to the repo (<repo root>/../shared/data); a fresh clone has none.
const DATA_DIR = sharedDataDir();
const available = existsSync(DATA_DIR);
if (!available) console.warn(`[datasets] skipping shared-data tests: ${DATA_DIR} does not exist (offline data is not part of the repo)`);
const itWithData = available ? it : it.skip;

const countSplit = async (source: LocalDatasetSource, dataset: string, split: string) => {
  const counts: Record<SentimentLabel, number> = { negative: 0, neutral: 0, positive: 0 };
  const invalid: InvalidRow[] = [];
  for await (const row of source.rows(dataset, split, { onInvalidRow: (r) => invalid.push(r) })) counts[row.label] += 1;
  return { counts, invalid };
};

describe('LocalDatasetSource on /work/shared/data', () => {
  const source = new LocalDatasetSource({ datasetsDir: DATA_DIR });

  itWithData('finds the splits under their canonical names', async () => {
    expect(await source.splits('tweet_eval')).toEqual(['train', 'validation', 'test']);
    expect(await source.splits('amazon_reviews_multi')).toEqual(['train', 'test']);
  });

  itWithData('tweet_eval test: 12,284 rows, 3,972 / 5,937 / 2,375', async () => {
    expect(await source.size('tweet_eval', 'test')).toBe(12_284);
    expect(await countSplit(source, 'tweet_eval', 'test')).toEqual({ counts: { negative: 3972, neutral: 5937, positive: 2375 }, invalid: [] });
  });

  itWithData('tweet_eval validation (val.jsonl): 2,000 rows', async () => {
    expect(await source.size('tweet_eval', 'validation')).toBe(2000);
    expect(await countSplit(source, 'tweet_eval', 'validation')).toEqual({ counts: { negative: 312, neutral: 869, positive: 819 }, invalid: [] });
  });

  itWithData('amazon test: 5,000 reviews mapped 2,000 / 1,000 / 2,000', async () => {
    expect(await source.size('mteb/amazon_reviews_multi', 'test')).toBe(5000);
    expect(await countSplit(source, 'mteb/amazon_reviews_multi', 'test')).toEqual({ counts: { negative: 2000, neutral: 1000, positive: 2000 }, invalid: [] });
  });

  itWithData('stratified 100 of tweet_eval test keeps the class shares (33 / 48 / 19)', async () => {
    const { rows, total, skippedInvalid } = await sampleRows(source, 'tweet_eval', 'test', { strategy: 'stratified', samples: 100, seed: 42, maxSamples: 20_000 });
    const counts = { negative: 0, neutral: 0, positive: 0 };
    for (const row of rows) counts[row.label] += 1;
    expect(counts).toEqual({ negative: 33, neutral: 48, positive: 19 });
    expect({ total, skippedInvalid }).toEqual({ total: 12_284, skippedInvalid: 0 });
  });
});
