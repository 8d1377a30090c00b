import type { SentimentLabel } from '@sentiment-ops/contracts';
import { DatasetError, DatasetErrorCode } from './dataset.errors';
import { mapAmazonStarsLabel, mapStarRating, mapTweetEvalLabel } from './labels';

/** The label of one record, or why it has none (the row is then counted as invalid). */
export type LabelOutcome = { label: SentimentLabel } | { reason: string };

export interface DatasetDefinition {
  /** Canonical name, used in API requests, results and cache folders. */
  readonly name: string;
  /** Other names accepted for it (the reference CLI's short names, the hub id). */
  readonly aliases: readonly string[];
  readonly hubId: string;
  readonly config: string;
  /** Splits in canonical order; a source may hold only some of them. */
  readonly splits: readonly string[];
  readonly textField: string;
  readonly labelField: string;
  /** Folders of the offline copy (DATASETS_DIR) tried after `<name with / as __>`. */
  readonly localFolders: readonly string[];
  /** Maps one raw record to a 3-class label. Pure. */
  readonly labelOf: (record: Readonly<Record<string, unknown>>) => LabelOutcome;
}

const show = (value: unknown): string => (value === undefined ? 'missing' : JSON.stringify(value));

const tweetEvalLabel = (record: Readonly<Record<string, unknown>>): LabelOutcome => {
  const label = mapTweetEvalLabel(record['label']);
  return label ? { label } : { reason: `label ${show(record['label'])} is not 0/1/2 nor negative/neutral/positive` };
};

// `label` (stars − 1) wins; the local copy also has `stars` (1..5) and a derived `sentiment3`.
const amazonLabel = (record: Readonly<Record<string, unknown>>): LabelOutcome => {
  const { label: raw, stars, sentiment3 } = record as { label?: unknown; stars?: unknown; sentiment3?: unknown };
  if (raw !== undefined) {
    const label = typeof raw === 'string' ? mapTweetEvalLabel(raw) : mapAmazonStarsLabel(raw);
    return label ? { label } : { reason: `label ${show(raw)} is not 0..4 (stars − 1) nor negative/neutral/positive` };
  }
  if (stars !== undefined) {
    const label = mapStarRating(stars);
    return label ? { label } : { reason: `stars ${show(stars)} is not 1..5` };
  }
  if (sentiment3 !== undefined) {
    const label = mapTweetEvalLabel(sentiment3);
    return label ? { label } : { reason: `sentiment3 ${show(sentiment3)} is not negative/neutral/positive` };
  }
  return { reason: 'no label, stars or sentiment3' };
};

const SPLITS = ['train', 'validation', 'test'] as const;

/** The datasets an evaluation may run on (the reference system's registry, minus its bugs). */
export const DATASET_REGISTRY: readonly DatasetDefinition[] = [
  {
    name: 'tweet_eval',
    aliases: ['cardiffnlp/tweet_eval'],
    hubId: 'cardiffnlp/tweet_eval',
    config: 'sentiment',
    splits: SPLITS,
    textField: 'text',
    labelField: 'label',
    localFolders: ['tweeteval_sentiment'],
    labelOf: tweetEvalLabel,
  },
  {
    name: 'mteb/amazon_reviews_multi',
    // The reference CI used the short name (and never matched); accept it here.
    aliases: ['amazon_reviews_multi'],
    hubId: 'mteb/amazon_reviews_multi',
    config: 'en',
    splits: SPLITS,
    textField: 'text',
    labelField: 'label',
    localFolders: ['amazon_reviews_multi_en'],
    labelOf: amazonLabel,
  },
];

/** Canonical dataset names, in registry order. */
export const DATASET_NAMES: readonly string[] = DATASET_REGISTRY.map((d) => d.name);

const BY_NAME = new Map<string, DatasetDefinition>(DATASET_REGISTRY.flatMap((d) => [d.name, ...d.aliases].map((n) => [n, d] as const)));

/** Every accepted name: canonical names first, then aliases. */
export const ACCEPTED_DATASET_NAMES: readonly string[] = [...DATASET_NAMES, ...DATASET_REGISTRY.flatMap((d) => d.aliases)];

/** Resolves a canonical name or alias; unknown names throw UNKNOWN_DATASET listing the valid ones. */
export const getDataset = (name: string): DatasetDefinition => {
  const found = BY_NAME.get(name);
  if (found) return found;
  throw new DatasetError(DatasetErrorCode.UnknownDataset, `unknown dataset "${name}"; valid: ${ACCEPTED_DATASET_NAMES.join(', ')}`, {
    validValues: ACCEPTED_DATASET_NAMES,
  });
};

/** UNKNOWN_SPLIT for `split` of `dataset`, listing what this source holds. */
export const unknownSplitError = (dataset: DatasetDefinition, split: string, valid: readonly string[], where: string): DatasetError => {
  const notHere = dataset.splits.includes(split) ? ` ("${split}" exists upstream but not in the ${where})` : '';
  return new DatasetError(
    DatasetErrorCode.UnknownSplit,
    `unknown split "${split}" of ${dataset.name}${notHere}; valid: ${valid.join(', ') || 'none'}`,
    { validValues: [...valid] },
  );
};

/** Folder name for a dataset name or hub id: `/` becomes `__` (mteb/x → mteb__x). */
export const datasetFolderName = (name: string): string => name.replace(/\//g, '__');
