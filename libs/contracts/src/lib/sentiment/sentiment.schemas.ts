import { z } from 'zod';
import { countCodePoints, SENTIMENT_LIMITS } from './limits';

const { maxTextCodePoints, minTextCodePoints, maxBatchItems, minBatchItems } = SENTIMENT_LIMITS;

/** One text: a string of 1..1024 code points that is not only white space. */
export const sentimentTextSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .superRefine((text, ctx) => {
    const length = countCodePoints(text);
    if (length < minTextCodePoints) {
      ctx.addIssue({ code: 'custom', message: `must contain at least ${minTextCodePoints} character`, params: { type: 'too_short' } });
    } else if (length > maxTextCodePoints) {
      ctx.addIssue({
        code: 'custom',
        message: `must be at most ${maxTextCodePoints} Unicode code points (got ${length})`,
        params: { type: 'too_long', limit: maxTextCodePoints, actual: length },
      });
    } else if (text.trim().length === 0) {
      ctx.addIssue({ code: 'custom', message: 'must not be blank', params: { type: 'blank' } });
    }
  });

/** Optional model to predict with: a registered name, hub id or model folder known to the replicas. */
export const modelNameSchema = z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(512, { error: 'must be at most 512 characters' });

export const sentimentRequestSchema = z.object(
  { text: sentimentTextSchema, model: modelNameSchema.optional() },
  { error: 'request body must be a JSON object' },
);

export const batchSentimentRequestSchema = z.object(
  {
    texts: z
      .array(sentimentTextSchema, { error: (issue) => (issue.input === undefined ? 'is required' : 'must be an array of strings') })
      .min(minBatchItems, { error: `must contain at least ${minBatchItems} text` })
      .max(maxBatchItems, { error: `must contain at most ${maxBatchItems} texts` }),
    model: modelNameSchema.optional(),
  },
  { error: 'request body must be a JSON object' },
);

export type SentimentRequest = z.infer<typeof sentimentRequestSchema>;
export type BatchSentimentRequest = z.infer<typeof batchSentimentRequestSchema>;
