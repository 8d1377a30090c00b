import { isSentimentLabel, SENTIMENT_LABELS, type SentimentLabel } from '@sentiment-ops/contracts';

/*
 * Pure label mappers. Each returns undefined for a value it does not know: the caller counts that
 * row as invalid. The reference system turned unknown labels into "neutral", which silently
 * skewed every metric; we never guess.
 */

const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

/** A class id in the production model's id2label order (0 negative, 1 neutral, 2 positive). */
export const mapClassId = (value: unknown): SentimentLabel | undefined =>
  isInteger(value) && value >= 0 && value < SENTIMENT_LABELS.length ? SENTIMENT_LABELS[value] : undefined;

/** tweet_eval `label`: the ClassLabel id 0/1/2, or already its name ("negative" | "neutral" | "positive"). */
export const mapTweetEvalLabel = (value: unknown): SentimentLabel | undefined =>
  isSentimentLabel(value) ? value : mapClassId(value);

/** mteb/amazon_reviews_multi `label` (= stars − 1, 0..4): 1–2★ negative, 3★ neutral, 4–5★ positive. */
export const mapAmazonStarsLabel = (value: unknown): SentimentLabel | undefined => {
  if (!isInteger(value) || value < 0 || value > 4) return undefined;
  if (value <= 1) return 'negative';
  return value === 2 ? 'neutral' : 'positive';
};

/** A 1..5 star rating (the local amazon copy's `stars`). */
export const mapStarRating = (value: unknown): SentimentLabel | undefined =>
  isInteger(value) ? mapAmazonStarsLabel(value - 1) : undefined;
