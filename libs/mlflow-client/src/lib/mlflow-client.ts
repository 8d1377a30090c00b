import { errorMessage } from './error-message';
import { MlflowError, MlflowErrorCode, isMlflowError } from './mlflow.errors';
import type {
  CreateExperimentResponse,
  CreateModelVersionResponse,
  CreateRunOptions,
  CreateRunResponse,
  FetchLike,
  GetExperimentResponse,
  MlflowClientOptions,
  MlflowLogger,
  MlflowMetric,
  MlflowModelVersion,
  MlflowRunInfo,
  MlflowRunStatus,
  MlflowTag,
} from './mlflow.types';

// log-batch request limits of the REST API.
const MAX_PARAMS_PER_BATCH = 100;
const MAX_METRICS_PER_BATCH = 1000;
const MAX_TAGS_PER_BATCH = 100;
/** Servers before MLflow 2.10 reject longer param values; truncating beats losing the batch. */
export const MAX_PARAM_VALUE_LENGTH = 500;
const MAX_TAG_VALUE_LENGTH = 5000;
const MAX_MESSAGE_LENGTH = 500;

type Method = 'GET' | 'POST';
type JsonBody = Record<string, unknown>;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const configError = (message: string): MlflowError => new MlflowError(message, null, MlflowErrorCode.InvalidConfig, 'config');

/** Splits userinfo off the tracking URI: fetch refuses URLs with credentials, and they must not reach messages. */
const parseTrackingUri = (trackingUri: string): { baseUrl: string; basicAuth: string | null } => {
  let url: URL;
  try {
    url = new URL(trackingUri);
  } catch {
    throw configError('MLflow trackingUri is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw configError('MLflow trackingUri must be http(s)');
  const basicAuth = url.username
    ? Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')
    : null;
  url.username = '';
  url.password = '';
  return { baseUrl: url.toString().replace(/\/+$/, ''), basicAuth };
};

/**
 * A thin typed client of the MLflow REST API 2.0 (tracking and model registry). Every call has a
 * timeout; 5xx answers and network failures are retried with exponential backoff, 4xx are not.
 */
export class MlflowClient {
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly secrets: string[];
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly fetchFn: FetchLike;
  private readonly logger: MlflowLogger | undefined;

  constructor(options: MlflowClientOptions) {
    const { baseUrl, basicAuth } = parseTrackingUri(options.trackingUri);
    this.baseUrl = baseUrl;
    this.headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (options.token) this.headers['authorization'] = `Bearer ${options.token}`;
    else if (basicAuth) this.headers['authorization'] = `Basic ${basicAuth}`;
    this.secrets = [options.token, basicAuth].filter((s): s is string => !!s);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 250;
    this.fetchFn = options.fetch ?? fetch;
    this.logger = options.logger;
    if (!(this.timeoutMs > 0)) throw configError('MLflow timeoutMs must be > 0');
    if (!Number.isInteger(this.retries) || this.retries < 0) throw configError('MLflow retries must be an integer >= 0');
  }

  /** The id of the experiment called `name`, created if missing (also when another process races us). */
  async ensureExperiment(name: string): Promise<string> {
    const found = await this.getExperimentByName(name);
    if (found) return found;
    try {
      return (await this.request<CreateExperimentResponse>('POST', 'experiments/create', { name })).experiment_id;
    } catch (error) {
      if (!isMlflowError(error, MlflowErrorCode.ResourceAlreadyExists)) throw error;
      const raced = await this.getExperimentByName(name);
      if (raced) return raced;
      throw error;
    }
  }

  async createRun(experimentId: string, options: CreateRunOptions = {}): Promise<MlflowRunInfo> {
    const tags = Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value }));
    const body: JsonBody = { experiment_id: experimentId, start_time: options.startTime ?? Date.now(), tags };
    if (options.runName) body['run_name'] = options.runName;
    return (await this.request<CreateRunResponse>('POST', 'runs/create', body)).run.info;
  }

  /** Params are strings in MLflow: numbers and booleans are stringified, objects JSON-encoded. */
  async logParams(runId: string, params: Record<string, unknown>): Promise<void> {
    const entries = Object.entries(params).map(([key, value]) => ({
      key,
      value: (typeof value === 'string' ? value : JSON.stringify(value) ?? 'null').slice(0, MAX_PARAM_VALUE_LENGTH),
    }));
    for (const batch of chunks(entries, MAX_PARAMS_PER_BATCH)) await this.logBatch(runId, { params: batch });
  }

  async logMetrics(runId: string, metrics: readonly MlflowMetric[]): Promise<void> {
    const now = Date.now();
    const entries = metrics.map((m) => ({ key: m.key, value: m.value, step: m.step, timestamp: m.timestamp ?? now }));
    for (const batch of chunks(entries, MAX_METRICS_PER_BATCH)) await this.logBatch(runId, { metrics: batch });
  }

  async setTags(runId: string, tags: Record<string, string>): Promise<void> {
    const entries: MlflowTag[] = Object.entries(tags).map(([key, value]) => ({ key, value: value.slice(0, MAX_TAG_VALUE_LENGTH) }));
    for (const batch of chunks(entries, MAX_TAGS_PER_BATCH)) await this.logBatch(runId, { tags: batch });
  }

  async finishRun(runId: string, status: MlflowRunStatus, endTime = Date.now()): Promise<void> {
    await this.request('POST', 'runs/update', { run_id: runId, status, end_time: endTime });
  }

  /** Creates the registered model if needed, then a new version of it pointing at `source`. */
  async registerModelVersion(name: string, source: string, runId?: string): Promise<MlflowModelVersion> {
    try {
      await this.request('POST', 'registered-models/create', { name });
    } catch (error) {
      if (!isMlflowError(error, MlflowErrorCode.ResourceAlreadyExists)) throw error;
    }
    const body: JsonBody = { name, source };
    if (runId) body['run_id'] = runId;
    return (await this.request<CreateModelVersionResponse>('POST', 'model-versions/create', body)).model_version;
  }

  private async getExperimentByName(name: string): Promise<string | null> {
    try {
      const { experiment } = await this.request<GetExperimentResponse>('GET', `experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`);
      if (experiment.lifecycle_stage === 'deleted') {
        // MLflow keeps the name reserved; creating it again would fail too.
        throw new MlflowError(`MLflow experiment "${name}" is deleted: restore it or choose another name`, null, MlflowErrorCode.InvalidState, 'experiments/get-by-name');
      }
      return experiment.experiment_id;
    } catch (error) {
      if (isMlflowError(error, MlflowErrorCode.ResourceDoesNotExist)) return null;
      throw error;
    }
  }

  private async logBatch(runId: string, batch: { params?: MlflowTag[]; metrics?: Required<MlflowMetric>[]; tags?: MlflowTag[] }): Promise<void> {
    await this.request('POST', 'runs/log-batch', { run_id: runId, ...batch });
  }

  /**
   * Retry policy: a 5xx, a timeout or a network error is retried `retries` times, waiting
   * retryDelayMs, then twice that, …; any 4xx fails at once (the request itself is wrong).
   */
  private async request<T>(method: Method, path: string, body?: JsonBody): Promise<T> {
    const endpoint = path.split('?')[0];
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt<T>(method, path, endpoint, body);
      } catch (error) {
        if (!isMlflowError(error) || !error.retryable || attempt >= this.retries) throw error;
        const delay = this.retryDelayMs * 2 ** attempt;
        this.logger?.warn(`${error.message}; retry ${attempt + 1}/${this.retries} in ${delay} ms`);
        await sleep(delay);
      }
    }
  }

  private async attempt<T>(method: Method, path: string, endpoint: string, body: JsonBody | undefined): Promise<T> {
    const fail = (message: string, status: number | null, code: string | null, cause?: unknown): MlflowError =>
      new MlflowError(this.redact(`MLflow ${method} ${endpoint} failed: ${message}`), status, code, endpoint, cause === undefined ? undefined : { cause });
    let status: number;
    let text: string;
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await this.fetchFn(`${this.baseUrl}/api/2.0/mlflow/${path}`, {
        method,
        headers: this.headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      // Our own signal tells a timeout apart (the thrown DOMException may come from another realm).
      if (signal.aborted) throw fail(`no answer within ${this.timeoutMs} ms`, null, MlflowErrorCode.Timeout);
      throw fail(errorMessage(error), null, MlflowErrorCode.NetworkError, error);
    }
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      // Proxies answer with HTML; the status still tells what happened.
    }
    if (status >= 200 && status < 300) {
      if (json === null || typeof json !== 'object') throw fail(`${status} with a non-JSON body`, status, MlflowErrorCode.InvalidResponse);
      return json as T;
    }
    const payload = (json ?? {}) as { error_code?: unknown; message?: unknown };
    const code = typeof payload.error_code === 'string' ? payload.error_code : null;
    const detail = typeof payload.message === 'string' ? payload.message.slice(0, MAX_MESSAGE_LENGTH) : '';
    throw fail(`${status}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}`, status, code);
  }

  /** Servers may echo headers in error text; never let a credential through. */
  private redact(message: string): string {
    return this.secrets.reduce((text, secret) => text.split(secret).join('***'), message);
  }
}
