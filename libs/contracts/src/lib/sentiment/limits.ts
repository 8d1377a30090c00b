/**
 * Public input limits of the sentiment API. Documented in the README and the OpenAPI schema;
 * every one is enforced and tested.
 */
export const SENTIMENT_LIMITS = {
  /** Unicode code points (not UTF-16 units) per text, as the reference system (pydantic) counted. */
  maxTextCodePoints: 1024,
  minTextCodePoints: 1,
  /** Texts per batch request. */
  maxBatchItems: 100,
  minBatchItems: 1,
} as const;

/** Counts Unicode code points, so an emoji counts once (JS `.length` would count two). */
export const countCodePoints = (text: string): number => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};
