import { z } from 'zod';

/** Query-string integers: digits only, so "1.5", "-3", "1e3" and "" are refused, not coerced. */
export const queryInt = (name: string, { min, max }: { min: number; max: number }) =>
  z
    .string({ error: 'must be a whole number' })
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .refine((value) => value >= min, { error: `must be at least ${min}` })
    .refine((value) => value <= max, { error: `must be at most ${max}` })
    .describe(name);

/** `limit` and `offset` of a paged list query, with the list's own default and maximum page size. */
export const pageQuery = (limits: { defaultLimit: number; maxLimit: number }) => ({
  limit: queryInt('limit', { min: 1, max: limits.maxLimit }).default(limits.defaultLimit),
  offset: queryInt('offset', { min: 0, max: 1_000_000 }).default(0),
});
