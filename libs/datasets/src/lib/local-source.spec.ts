import { join } from 'node:path';
import { tempDir, writeJsonl } from '../test/fixtures';
import { DatasetErrorCode, type DatasetError } from './dataset.errors';
import type { InvalidRow, LabelledRow } from './dataset-source';
import { validateEvaluationTarget } from './evaluation-target';
import { LocalDatasetSource } from './local-source';

const collect = async (rows: AsyncIterable<LabelledRow>): Promise<LabelledRow[]> => {
  const out: LabelledRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
};

const rejection = async (promise: Promise<unknown>): Promise<DatasetError> => {
  try {
    await promise;
  } catch (error) {
    return error as DatasetError;
  }
  throw new Error('expected a rejection');
};

describe('LocalDatasetSource', () => {
  const dir = tempDir('local');
  const tweetsDir = join(dir.path, 'tweeteval_sentiment');
  const amazonDir = join(dir.path, 'mteb__amazon_reviews_multi');

  beforeAll(() => {
    writeJsonl(join(tweetsDir, 'test.jsonl'), [
      { text: 'bad day', label: 0 },
      { text: 'a day', label: 'neutral' },
      '',
      { text: 'good day', label: 2 },
      { text: 'strange', label: 7 },
      { text: 'great', label: 'positive' },
    ]);
    writeJsonl(join(tweetsDir, 'val.jsonl'), [{ text: 'v', label: 1 }]);
    writeJsonl(join(tweetsDir, 'train.jsonl'), [{ text: 'ok', label: 1 }, { text: 'broken', label: 0 }, '{"text": "cut', { text: 'after', label: 2 }]);
    writeJsonl(join(amazonDir, 'test.jsonl'), [
      { text: 'awful', stars: 1, label: 0 },
      { text: 'meh', stars: 3 },
      { text: 'love it', stars: 5 },
      { text: 'fine', label: 3 },
    ]);
    writeJsonl(join(amazonDir, 'train_sample.jsonl'), [{ text: 'x', stars: 2 }]);
  });
  afterAll(() => dir.remove());

  const source = () => new LocalDatasetSource({ datasetsDir: dir.path });

  it('lists splits under canonical names (val.jsonl → validation, train_sample.jsonl → train)', async () => {
    expect(source().kind).toBe('local');
    expect(await source().splits('tweet_eval')).toEqual(['train', 'validation', 'test']);
    expect(await source().splits('amazon_reviews_multi')).toEqual(['train', 'test']);
  });

  it('maps integer and string labels, keeps split positions as indexes and reports invalid rows', async () => {
    const invalid: InvalidRow[] = [];
    const rows = await collect(source().rows('tweet_eval', 'test', { onInvalidRow: (row) => invalid.push(row) }));
    expect(rows).toEqual([
      { index: 0, text: 'bad day', label: 'negative' },
      { index: 1, text: 'a day', label: 'neutral' },
      { index: 2, text: 'good day', label: 'positive' },
      { index: 4, text: 'great', label: 'positive' },
    ]);
    expect(invalid).toEqual([{ index: 3, reason: expect.stringContaining('label 7') }]);
    expect(await source().size('tweet_eval', 'test')).toBe(5);
  });

  it('maps amazon stars and labels from the `<name with __>` folder', async () => {
    const rows = await collect(source().rows('mteb/amazon_reviews_multi', 'test'));
    expect(rows.map((r) => r.label)).toEqual(['negative', 'neutral', 'positive', 'positive']);
    expect(await collect(source().rows('amazon_reviews_multi', 'train'))).toEqual([{ index: 0, text: 'x', label: 'negative' }]);
  });

  it('fails on a malformed line, naming the file and the line number', async () => {
    const seen: LabelledRow[] = [];
    const error = await rejection(
      (async () => {
        for await (const row of source().rows('tweet_eval', 'train')) seen.push(row);
      })(),
    );
    expect(error.code).toBe(DatasetErrorCode.MalformedData);
    expect(error.message).toContain(`${join(tweetsDir, 'train.jsonl')}:3:`);
    expect(seen).toHaveLength(2);
  });

  it('rejects an unknown split with the splits this source holds', async () => {
    const error = await rejection(source().size('mteb/amazon_reviews_multi', 'validation'));
    expect(error.code).toBe(DatasetErrorCode.UnknownSplit);
    expect(error.validValues).toEqual(['train', 'test']);
    expect(error.message).toContain('exists upstream but not in the local copy');
    await expect(collect(source().rows('tweet_eval', 'dev'))).rejects.toMatchObject({ code: 'UNKNOWN_SPLIT', validValues: ['train', 'validation', 'test'] });
  });

  it('rejects unknown datasets, also in configured aliases', async () => {
    await expect(source().splits('imdb')).rejects.toMatchObject({ code: 'UNKNOWN_DATASET' });
    expect(() => new LocalDatasetSource({ datasetsDir: dir.path, aliases: { imdb: 'x' } })).toThrow(/unknown dataset "imdb"/);
  });

  it('says DATASET_UNAVAILABLE when no folder holds the dataset', async () => {
    const empty = tempDir('empty');
    try {
      const error = await rejection(new LocalDatasetSource({ datasetsDir: empty.path }).splits('tweet_eval'));
      expect(error.code).toBe(DatasetErrorCode.DatasetUnavailable);
      expect(error.message).toContain('tweeteval_sentiment');
    } finally {
      empty.remove();
    }
  });

  it('lets configured aliases override the built-in folders', async () => {
    writeJsonl(join(dir.path, 'my_tweets', 'test.jsonl'), [{ text: 'mine', label: 1 }]);
    const aliased = new LocalDatasetSource({ datasetsDir: dir.path, aliases: { 'cardiffnlp/tweet_eval': ['missing_folder', 'my_tweets'] } });
    expect(aliased.candidateFolders('tweet_eval').map((f) => f.slice(dir.path.length + 1))).toEqual([
      'missing_folder',
      'my_tweets',
      'tweet_eval',
      'cardiffnlp__tweet_eval',
      'tweeteval_sentiment',
    ]);
    expect(await aliased.splits('tweet_eval')).toEqual(['test']);
    expect(await collect(aliased.rows('tweet_eval', 'test'))).toEqual([{ index: 0, text: 'mine', label: 'neutral' }]);
  });

  it('validates evaluation targets against this source', async () => {
    await expect(validateEvaluationTarget(source(), 'amazon_reviews_multi', 'test')).resolves.toMatchObject({ dataset: { name: 'mteb/amazon_reviews_multi' }, split: 'test' });
    await expect(validateEvaluationTarget(source(), 'amazon_reviews_multi', 'validation')).rejects.toMatchObject({ code: 'UNKNOWN_SPLIT', validValues: ['train', 'test'] });
    await expect(validateEvaluationTarget(source(), 'sst2', 'test')).rejects.toMatchObject({ code: 'UNKNOWN_DATASET' });
  });
});
