import { z } from 'zod';

/**
 * Bounds of one RPC predict request. The public API is stricter (100 texts of 1,024 code
 * points); the bulk lane (evaluations) sends larger chunks of longer texts, which the model
 * truncates to its maximum length.
 */
export const RPC_PREDICT_LIMITS = {
  maxTexts: 1000,
  maxTextCodeUnits: 100_000,
} as const;

export const predictRequestSchema = z.object({
  texts: z
    .array(z.string().min(1, { error: 'must not be empty' }).max(RPC_PREDICT_LIMITS.maxTextCodeUnits), { error: 'must be an array of strings' })
    .min(1, { error: 'must contain at least 1 text' })
    .max(RPC_PREDICT_LIMITS.maxTexts, { error: `must contain at most ${RPC_PREDICT_LIMITS.maxTexts} texts` }),
  model: z.string().min(1).max(512).optional(),
});
