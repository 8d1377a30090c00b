import type { SentimentLabel } from '@sentiment-ops/contracts';

/** One usable row of a split. */
export interface LabelledRow {
  /** Position of the row in the split (0-based, invalid rows included). */
  index: number;
  text: string;
  label: SentimentLabel;
}

/** A row that was skipped because its text or label is unusable. */
export interface InvalidRow {
  index: number;
  reason: string;
}

export interface RowReadOptions {
  /** Called for each skipped row, so callers can count and report them. */
  onInvalidRow?: (row: InvalidRow) => void;
}

/**
 * Where evaluation rows come from: the offline JSONL copy or the Hugging Face datasets-server.
 * `dataset` accepts any registered name or alias; `split` is a canonical split name.
 */
export interface DatasetSource {
  readonly kind: 'hub' | 'local';
  /** Canonical names of the splits this source holds for the dataset. */
  splits(dataset: string): Promise<string[]>;
  /** Rows in the split, invalid ones included. */
  size(dataset: string, split: string): Promise<number>;
  /** Streams the valid rows in split order; invalid rows are skipped and reported via `onInvalidRow`. */
  rows(dataset: string, split: string, options?: RowReadOptions): AsyncIterable<LabelledRow>;
}
