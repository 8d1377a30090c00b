import { z } from 'zod';
import { pageQuery, queryInt } from '../common/query-params';
import { EVALUATION_STATUSES, SAMPLING_STRATEGIES } from './evaluation.types';

/** Free text that is stored or matched in Postgres, which cannot hold NUL. */
const storedText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !value.includes('\u0000'), { error: 'must not contain NUL (U+0000)' });

/** `POST /api/v1/evaluate` query: the reference parameters plus `sampling` and `seed`. */
export const evaluateQuerySchema = z.object({
  dataset: z.string().min(1).max(200).default('tweet_eval'),
  split: z.string().min(1).max(100).default('test'),
  /** Upper bound (MAX_EVAL_SAMPLES) is checked by the gateway, which knows its configuration. */
  samples: queryInt('samples', { min: 1, max: Number.MAX_SAFE_INTEGER }).optional(),
  model_name: storedText(512).optional(),
  sampling: z.enum(SAMPLING_STRATEGIES, { error: `must be one of ${SAMPLING_STRATEGIES.join(', ')}` }).default('random'),
  seed: queryInt('seed', { min: 0, max: 2 ** 31 - 1 }).default(42),
});
export type EvaluateQuery = z.infer<typeof evaluateQuerySchema>;

export const EVALUATION_LIST_LIMITS = { defaultLimit: 20, maxLimit: 100 } as const;

export const evaluationListQuerySchema = z.object({
  model_name: storedText(512).optional(),
  dataset: storedText(200).optional(),
  split: storedText(100).optional(),
  status: z.enum(EVALUATION_STATUSES, { error: `must be one of ${EVALUATION_STATUSES.join(', ')}` }).optional(),
  ...pageQuery(EVALUATION_LIST_LIMITS),
});
export type EvaluationListQuery = z.infer<typeof evaluationListQuerySchema>;

export const evaluationIdSchema = z.uuid({ error: 'must be an evaluation id (UUID)' });
