import { DatasetError, DatasetErrorCode, isDatasetError } from './dataset.errors';
import { toLabelledRow } from './jsonl';
import { ACCEPTED_DATASET_NAMES, DATASET_NAMES, datasetFolderName, getDataset } from './registry';

const catchError = (fn: () => unknown): DatasetError => {
  try {
    fn();
  } catch (error) {
    if (isDatasetError(error)) return error;
    throw error;
  }
  throw new Error('expected a DatasetError');
};

describe('dataset registry', () => {
  it('holds tweet_eval and mteb/amazon_reviews_multi with their hub ids, configs and splits', () => {
    expect(DATASET_NAMES).toEqual(['tweet_eval', 'mteb/amazon_reviews_multi']);
    expect(getDataset('tweet_eval')).toMatchObject({ hubId: 'cardiffnlp/tweet_eval', config: 'sentiment', splits: ['train', 'validation', 'test'] });
    expect(getDataset('mteb/amazon_reviews_multi')).toMatchObject({ hubId: 'mteb/amazon_reviews_multi', config: 'en', textField: 'text', labelField: 'label' });
  });

  it('accepts aliases', () => {
    expect(getDataset('amazon_reviews_multi').name).toBe('mteb/amazon_reviews_multi');
    expect(getDataset('cardiffnlp/tweet_eval').name).toBe('tweet_eval');
  });

  it('rejects unknown names with UNKNOWN_DATASET listing the valid names', () => {
    const error = catchError(() => getDataset('imdb'));
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.code).toBe(DatasetErrorCode.UnknownDataset);
    expect(error.validValues).toEqual(ACCEPTED_DATASET_NAMES);
    expect(error.validValues).toEqual(expect.arrayContaining(['tweet_eval', 'mteb/amazon_reviews_multi', 'amazon_reviews_multi']));
    expect(error.message).toContain('"imdb"');
  });

  it('names folders with / replaced by __', () => {
    expect(datasetFolderName('mteb/amazon_reviews_multi')).toBe('mteb__amazon_reviews_multi');
  });

  describe('record → labelled row', () => {
    const tweets = getDataset('tweet_eval');
    const amazon = getDataset('amazon_reviews_multi');

    it('maps tweet_eval integer and string labels', () => {
      expect(toLabelledRow(tweets, { text: 'a', label: 2 }, 5)).toEqual({ index: 5, text: 'a', label: 'positive' });
      expect(toLabelledRow(tweets, { text: 'a', label: 'neutral' }, 0)).toEqual({ index: 0, text: 'a', label: 'neutral' });
    });

    it('maps amazon label first, then stars, then sentiment3', () => {
      expect(toLabelledRow(amazon, { text: 'r', label: 3, stars: 1 }, 0)).toMatchObject({ label: 'positive' });
      expect(toLabelledRow(amazon, { text: 'r', stars: 3 }, 0)).toMatchObject({ label: 'neutral' });
      expect(toLabelledRow(amazon, { text: 'r', sentiment3: 'negative' }, 0)).toMatchObject({ label: 'negative' });
      expect(toLabelledRow(amazon, { text: 'r', label: 'positive' }, 0)).toMatchObject({ label: 'positive' });
    });

    it('reports unusable rows with a reason instead of defaulting to neutral', () => {
      expect(toLabelledRow(tweets, { text: 'a', label: 7 }, 3)).toEqual({ index: 3, reason: expect.stringContaining('label 7') });
      expect(toLabelledRow(tweets, { text: 'a' }, 3)).toEqual({ index: 3, reason: expect.stringContaining('label missing') });
      expect(toLabelledRow(tweets, { text: '  ', label: 1 }, 3)).toEqual({ index: 3, reason: 'text is missing or empty' });
      expect(toLabelledRow(amazon, { text: 'r', label: 5, stars: 4 }, 0)).toMatchObject({ reason: expect.stringContaining('label 5') });
      expect(toLabelledRow(amazon, { text: 'r', stars: 9 }, 0)).toMatchObject({ reason: expect.stringContaining('stars 9') });
      expect(toLabelledRow(amazon, { text: 'r' }, 0)).toMatchObject({ reason: 'no label, stars or sentiment3' });
    });
  });
});
