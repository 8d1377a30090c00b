import { SAMPLING_STRATEGIES, SENTIMENT_LABELS, type SamplingStrategy, type SentimentLabel } from '@sentiment-ops/contracts';
import { DatasetError, DatasetErrorCode } from './dataset.errors';
import type { DatasetSource, InvalidRow, LabelledRow } from './dataset-source';
import { largestRemainder, Reservoir, seededRandom } from './random';

export interface SampleOptions {
  strategy: SamplingStrategy;
  /** Rows wanted; null = the whole split (capped at maxSamples). Above the split size = the whole split. */
  samples: number | null;
  /** Seed of random / stratified sampling: same seed ⇒ same rows. */
  seed: number;
  maxSamples: number;
}

export interface SampleResult {
  /** Sampled rows, in split order. */
  rows: LabelledRow[];
  /** Rows in the split as the source reports them (invalid ones included). */
  total: number;
  /** Invalid rows met while reading (first: only those before the Nth valid row). */
  skippedInvalid: number;
  /** The first few invalid rows, for the run's report. */
  invalidExamples: InvalidRow[];
}

const MAX_INVALID_EXAMPLES = 10;

const isPositiveInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1;

/** Checks sampling options without touching any data (API fail-fast). */
export const validateSampleOptions = (options: SampleOptions): void => {
  const { strategy, samples, seed, maxSamples } = options;
  const invalidOption = (message: string) => new DatasetError(DatasetErrorCode.InvalidSamplingOptions, message);
  if (!(SAMPLING_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new DatasetError(DatasetErrorCode.InvalidSamplingOptions, `unknown sampling strategy "${String(strategy)}"; valid: ${SAMPLING_STRATEGIES.join(', ')}`, {
      validValues: SAMPLING_STRATEGIES,
    });
  }
  if (!Number.isSafeInteger(seed)) throw invalidOption(`seed must be an integer, got ${String(seed)}`);
  if (!isPositiveInteger(maxSamples)) throw invalidOption(`maxSamples must be an integer ≥ 1, got ${String(maxSamples)}`);
  if (samples === null) return;
  if (!isPositiveInteger(samples)) throw new DatasetError(DatasetErrorCode.InvalidSamples, `samples must be null or an integer ≥ 1, got ${String(samples)}`);
  if (samples > maxSamples) throw new DatasetError(DatasetErrorCode.TooManySamples, `samples ${samples} exceeds the maximum of ${maxSamples}`);
};

class InvalidTally {
  count = 0;
  readonly examples: InvalidRow[] = [];
  readonly add = (row: InvalidRow): void => {
    this.count += 1;
    if (this.examples.length < MAX_INVALID_EXAMPLES) this.examples.push(row);
  };
}

const byIndex = (a: LabelledRow, b: LabelledRow): number => a.index - b.index;

/** The first `n` valid rows; stops reading as soon as it has them. */
const takeFirst = async (rows: AsyncIterable<LabelledRow>, n: number): Promise<LabelledRow[]> => {
  const taken: LabelledRow[] = [];
  if (n === 0) return taken;
  for await (const row of rows) {
    taken.push(row);
    if (taken.length >= n) break;
  }
  return taken;
};

const takeRandom = async (rows: AsyncIterable<LabelledRow>, n: number, seed: number): Promise<LabelledRow[]> => {
  const reservoir = new Reservoir<LabelledRow>(n, seededRandom(seed));
  for await (const row of rows) reservoir.offer(row);
  return reservoir.items.sort(byIndex);
};

// Two passes: count the classes, then one seeded reservoir per class sized by its exact quota.
const takeStratified = async (source: DatasetSource, dataset: string, split: string, n: number, seed: number, tally: InvalidTally) => {
  const counts = Object.fromEntries(SENTIMENT_LABELS.map((l) => [l, 0])) as Record<SentimentLabel, number>;
  for await (const row of source.rows(dataset, split, { onInvalidRow: tally.add })) counts[row.label] += 1;
  const valid = SENTIMENT_LABELS.reduce((sum, l) => sum + counts[l], 0);
  const quotas = largestRemainder(counts, Math.min(n, valid));
  const random = seededRandom(seed);
  const reservoirs = Object.fromEntries(SENTIMENT_LABELS.map((l) => [l, new Reservoir<LabelledRow>(quotas[l], random)])) as Record<
    SentimentLabel,
    Reservoir<LabelledRow>
  >;
  for await (const row of source.rows(dataset, split)) reservoirs[row.label].offer(row);
  return SENTIMENT_LABELS.flatMap((l) => reservoirs[l].items).sort(byIndex);
};

/**
 * Draws the rows of one evaluation. Memory is bounded by the sample (plus three counters), not by
 * the split: `first` stops early, `random` is a seeded reservoir, `stratified` reads the split twice.
 */
export const sampleRows = async (source: DatasetSource, dataset: string, split: string, options: SampleOptions): Promise<SampleResult> => {
  validateSampleOptions(options);
  const total = await source.size(dataset, split);
  const n = Math.min(options.samples ?? total, total, options.maxSamples);
  const tally = new InvalidTally();
  let rows: LabelledRow[];
  switch (options.strategy) {
    case 'first':
      rows = await takeFirst(source.rows(dataset, split, { onInvalidRow: tally.add }), n);
      break;
    case 'random':
      rows = await takeRandom(source.rows(dataset, split, { onInvalidRow: tally.add }), n, options.seed);
      break;
    case 'stratified':
      rows = await takeStratified(source, dataset, split, n, options.seed, tally);
      break;
  }
  return { rows, total, skippedInvalid: tally.count, invalidExamples: tally.examples };
};
