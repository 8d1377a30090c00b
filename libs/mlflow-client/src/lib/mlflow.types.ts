/** The part of `fetch` the client uses; the global `fetch` fits, tests may pass their own. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

/** Receives retry and degraded-tracking notices. Messages never contain the token. */
export interface MlflowLogger {
  warn(message: string): void;
}

export interface MlflowClientOptions {
  /** Base URL of the tracking server, e.g. `http://mlflow:5000` (userinfo, if any, becomes Basic auth). */
  trackingUri: string;
  /** Sent as `Authorization: Bearer …`. */
  token?: string;
  /** Per attempt. Default 10 000. */
  timeoutMs?: number;
  /** Retries after a 5xx or a network failure. Default 2. */
  retries?: number;
  /** First backoff delay, doubled per retry. Default 250. */
  retryDelayMs?: number;
  fetch?: FetchLike;
  logger?: MlflowLogger;
}

export type MlflowRunStatus = 'FINISHED' | 'FAILED' | 'KILLED';

export interface MlflowMetric {
  key: string;
  value: number;
  step: number;
  /** Unix milliseconds; defaults to now. */
  timestamp?: number;
}

export interface MlflowTag {
  key: string;
  value: string;
}

export interface MlflowRunInfo {
  run_id: string;
  experiment_id: string;
  run_name?: string;
  status?: string;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
}

export interface MlflowModelVersion {
  name: string;
  /** MLflow sends version numbers as strings. */
  version: string;
  source?: string;
  run_id?: string;
  status?: string;
}

export interface CreateRunOptions {
  runName?: string;
  tags?: Record<string, string>;
  /** Unix milliseconds; defaults to now. */
  startTime?: number;
}

// Wire shapes of the responses the client reads (MLflow REST API 2.0).
export interface GetExperimentResponse {
  experiment: { experiment_id: string; name: string; lifecycle_stage?: string };
}
export interface CreateExperimentResponse {
  experiment_id: string;
}
export interface CreateRunResponse {
  run: { info: MlflowRunInfo };
}
export interface CreateModelVersionResponse {
  model_version: MlflowModelVersion;
}
