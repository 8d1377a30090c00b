/** The three classes, in the production model's id2label order. Wire format: renaming needs a migration. */
export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;

export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export type SentimentProbabilities = Record<SentimentLabel, number>;

export const isSentimentLabel = (value: unknown): value is SentimentLabel =>
  typeof value === 'string' && (SENTIMENT_LABELS as readonly string[]).includes(value);
