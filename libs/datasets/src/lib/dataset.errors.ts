/**
 * Error codes of the datasets library. WARNING: part of the API (the gateway maps them to HTTP
 * statuses, the worker stores them on failed runs): renaming one is a breaking change.
 */
export const DatasetErrorCode = {
  /** The dataset name is not in the registry (4xx). */
  UnknownDataset: 'UNKNOWN_DATASET',
  /** The split does not exist for this dataset in this source (4xx). */
  UnknownSplit: 'UNKNOWN_SPLIT',
  /** `samples` is not null nor an integer ≥ 1 (4xx). */
  InvalidSamples: 'INVALID_SAMPLES',
  /** `samples` exceeds the configured maximum (4xx). */
  TooManySamples: 'TOO_MANY_SAMPLES',
  /** Strategy, seed or maxSamples are not usable (4xx, or a config bug). */
  InvalidSamplingOptions: 'INVALID_SAMPLING_OPTIONS',
  /** The source has no data for a registered dataset (local folder missing) (5xx / config). */
  DatasetUnavailable: 'DATASET_UNAVAILABLE',
  /** A JSONL line or a hub response is not what the format promises. */
  MalformedData: 'MALFORMED_DATA',
  /** The hub answered a 4xx other than 429: retrying cannot help. */
  HubRequestRejected: 'HUB_REQUEST_REJECTED',
  /** The hub kept failing (429, 5xx, network, timeout) after every retry. */
  HubUnavailable: 'HUB_UNAVAILABLE',
} as const;
export type DatasetErrorCode = (typeof DatasetErrorCode)[keyof typeof DatasetErrorCode];

export interface DatasetErrorOptions {
  /** The accepted values, for UNKNOWN_DATASET / UNKNOWN_SPLIT (shown to API clients). */
  validValues?: readonly string[];
  /** HTTP status the hub answered, for HUB_* errors. */
  status?: number;
  cause?: unknown;
}

/** Typed error of the datasets library; apps map `code` to HTTP / job outcomes at their edge. */
export class DatasetError extends Error {
  readonly validValues: readonly string[] | undefined;
  readonly status: number | undefined;

  constructor(
    readonly code: DatasetErrorCode,
    message: string,
    options: DatasetErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DatasetError';
    this.validValues = options.validValues;
    this.status = options.status;
  }
}

const CODES = new Set<string>(Object.values(DatasetErrorCode));

/** True for a DatasetError, also across bundle copies (hence the duck typing). */
export const isDatasetError = (value: unknown): value is DatasetError => {
  if (value instanceof DatasetError) return true;
  if (!(value instanceof Error)) return false;
  const code: unknown = (value as Error & { code?: unknown }).code;
  return value.name === 'DatasetError' && typeof code === 'string' && CODES.has(code);
};
