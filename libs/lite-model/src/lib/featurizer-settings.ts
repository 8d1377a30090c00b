import { z } from 'zod';
import { FEATURE_HASH } from './hash';

/**
 * Words (letters, marks, digits, `_`, inner apostrophes), `@`/`#`-prefixed words, runs of one
 * repeated symbol ("!!!", "😂😂"), or any other single code point. Compiled with the `gu` flags.
 */
export const DEFAULT_TOKEN_PATTERN =
  "[\\p{L}\\p{M}\\p{N}_]+(?:['’][\\p{L}\\p{M}\\p{N}_]+)*|[@#]+[\\p{L}\\p{M}\\p{N}_]+|(\\S)\\1*";

const ngramRange = z
  .tuple([z.number().int().min(1).max(8), z.number().int().min(1).max(8)])
  .refine(([min, max]) => min <= max, 'min must be ≤ max');

const isRegExp = (source: string): boolean => {
  try {
    new RegExp(source, 'gu');
    return true;
  } catch {
    return false;
  }
};

const isPowerOfTwo = (n: number): boolean => Number.isInteger(Math.log2(n));

/** Everything the featurizer does is described here, so train and serve time stay identical. */
export const featurizerSettingsSchema = z.strictObject({
  version: z.literal(1),
  /** `\u2019`-style escapes left in older tweets become the character they name. */
  decodeUnicodeEscapes: z.boolean(),
  /** Model-card preprocessing: `@name` → `@user`, `http…` → `http`, split on single spaces. */
  tweetPreprocessing: z.boolean(),
  lowercase: z.boolean(),
  /** Letters repeated more than this many times are cut down to it ("soooo" → "sooo"); 0 = off. */
  maxCharRepeat: z.number().int().min(0).max(16),
  tokenPattern: z.string().min(1).refine(isRegExp, 'is not a valid regular expression'),
  /** Word n-gram orders, e.g. [1, 2] = unigrams and bigrams. */
  wordNgrams: ngramRange,
  /** Character n-gram orders inside `<token>` boundaries (fastText style); null = none. */
  charNgrams: ngramRange.nullable(),
  /** `token`: n-grams of each `<token>`; `text`: of the tokens joined by spaces (crosses words). */
  charScope: z.enum(['token', 'text']),
  /**
   * Negation scope: unigrams after one of `words`, up to a token matching `scopeEndPattern`,
   * get their own features ("not … good" ≠ "good"); null = off.
   */
  negation: z
    .strictObject({
      words: z.array(z.string().min(1)).min(1),
      scopeEndPattern: z.string().min(1).refine(isRegExp, 'is not a valid regular expression'),
    })
    .nullable(),
  /** Scale of each feature family before normalisation. */
  wordWeight: z.number().positive(),
  charWeight: z.number().positive(),
  /** Term frequency transform: 1 + ln(tf), tf, or 1. */
  tf: z.enum(['sublinear', 'raw', 'binary']),
  hash: z.literal(FEATURE_HASH),
  /** Hash buckets D (a power of two): the rows of the weight matrix. */
  buckets: z
    .number()
    .int()
    .min(2)
    .max(2 ** 24)
    .refine(isPowerOfTwo, 'must be a power of two'),
  /** K: at most this many non-zeros per text (largest weights kept), i.e. the ONNX input width. */
  maxFeatures: z.number().int().min(1).max(65_536),
  norm: z.literal('l2'),
});

export type FeaturizerSettings = z.infer<typeof featurizerSettingsSchema>;

/** Negation cues of Pang et al. / Christopher Potts' sentiment tutorial, lowercased. */
export const DEFAULT_NEGATION = {
  words: ['not', 'no', 'never', 'nobody', 'nothing', 'none', 'nowhere', 'neither', 'nor', 'cannot', "can't", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "wouldn't", "shouldn't", "couldn't", "haven't", "hasn't", "hadn't", "ain't", 'dont', 'cant', 'wont', 'didnt', 'doesnt', 'isnt', 'wasnt'],
  scopeEndPattern: '^[.,:;!?]+$',
};

export const DEFAULT_FEATURIZER_SETTINGS: FeaturizerSettings = {
  version: 1,
  decodeUnicodeEscapes: true,
  tweetPreprocessing: true,
  lowercase: true,
  maxCharRepeat: 3,
  tokenPattern: DEFAULT_TOKEN_PATTERN,
  wordNgrams: [1, 2],
  charNgrams: [2, 5],
  charScope: 'token',
  negation: null,
  wordWeight: 1,
  charWeight: 1,
  tf: 'sublinear',
  hash: FEATURE_HASH,
  buckets: 2 ** 19,
  maxFeatures: 1024,
  norm: 'l2',
};

/** Validates settings read from a model folder; the error lists every bad field. */
export const parseFeaturizerSettings = (value: unknown): FeaturizerSettings => {
  const parsed = featurizerSettingsSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'featurizer'}: ${issue.message}`).join('; '));
  }
  return parsed.data;
};
