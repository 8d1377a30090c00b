import { mapAmazonStarsLabel, mapClassId, mapStarRating, mapTweetEvalLabel } from './labels';

describe('label mappers', () => {
  it('maps tweet_eval class ids and label names', () => {
    expect([0, 1, 2].map(mapTweetEvalLabel)).toEqual(['negative', 'neutral', 'positive']);
    expect(['negative', 'neutral', 'positive'].map(mapTweetEvalLabel)).toEqual(['negative', 'neutral', 'positive']);
  });

  it.each([3, -1, 1.5, '1', 'Positive', 'mixed', null, undefined, NaN, {}])('rejects tweet_eval label %p instead of guessing neutral', (value) => {
    expect(mapTweetEvalLabel(value)).toBeUndefined();
  });

  it('maps amazon label (stars − 1): 0–1 negative, 2 neutral, 3–4 positive', () => {
    expect([0, 1, 2, 3, 4].map(mapAmazonStarsLabel)).toEqual(['negative', 'negative', 'neutral', 'positive', 'positive']);
  });

  it.each([5, -1, 2.5, '2', null])('rejects amazon label %p', (value) => {
    expect(mapAmazonStarsLabel(value)).toBeUndefined();
  });

  it('maps 1..5 star ratings and rejects the rest', () => {
    expect([1, 2, 3, 4, 5].map(mapStarRating)).toEqual(['negative', 'negative', 'neutral', 'positive', 'positive']);
    expect([0, 6, 3.5, '3'].map(mapStarRating)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('maps class ids in id2label order only', () => {
    expect(mapClassId(2)).toBe('positive');
    expect(mapClassId(3)).toBeUndefined();
  });
});
