import { setTimeout as sleep } from 'node:timers/promises';
import { DatasetError, DatasetErrorCode, isDatasetError } from './dataset.errors';

export interface HubRetryEvent {
  url: string;
  /** 1-based attempt that failed. */
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface HubHttpOptions {
  endpoint: string;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  /** Upper bound on any single wait, including a server's Retry-After. */
  maxDelayMs: number;
  fetch: typeof fetch;
  token?: string;
  onRetry?: (event: HubRetryEvent) => void;
}

/** Retry-After as delta-seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export const parseRetryAfter = (header: string | null, now = Date.now()): number | undefined => {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
};

const errorDetail = (body: string): string => {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.slice(0, 200) || 'no body';
};

// Duck-typed: fetch errors may come from another realm (vm contexts, test runners), where instanceof fails.
const describeFailure = (error: unknown, timeoutMs: number): string => {
  type Shape = { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const { name, message, cause } = (typeof error === 'object' && error !== null ? error : {}) as Shape;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  if (typeof cause?.code === 'string') return `network error: ${cause.code}`;
  const detail = typeof cause?.message === 'string' ? ` (${cause.message})` : '';
  return `network error: ${typeof message === 'string' ? message : String(error)}${detail}`;
};

interface Retryable {
  reason: string;
  status?: number;
  delayMs?: number;
  cause?: unknown;
}

/**
 * GET-JSON client for the datasets-server.
 * Retry policy: 429 (waiting Retry-After when given), 5xx, network errors and timeouts are retried
 * with exponential backoff (backoffMs · 2^attempt); any other 4xx fails at once, since asking
 * again cannot change the answer. Each attempt has its own timeout, body read included.
 */
export class HubHttpClient {
  constructor(private readonly options: HubHttpOptions) {}

  url(path: string, params: Readonly<Record<string, string | number>>): string {
    const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
    return `${this.options.endpoint.replace(/\/+$/, '')}${path}?${query.toString()}`;
  }

  async getJson(path: string, params: Readonly<Record<string, string | number>>): Promise<unknown> {
    const { retries, backoffMs, maxDelayMs, timeoutMs } = this.options;
    const url = this.url(path, params);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers['authorization'] = `Bearer ${this.options.token}`;
    for (let attempt = 0; ; attempt += 1) {
      let failure: Retryable;
      try {
        const body = await this.attempt(url, headers);
        try {
          return JSON.parse(body) as unknown;
        } catch (error) {
          throw new DatasetError(DatasetErrorCode.MalformedData, `hub ${url} answered 200 with a body that is not JSON`, { cause: error });
        }
      } catch (error) {
        if (isDatasetError(error)) throw error;
        failure = isRetryable(error) ? error.retryable : { reason: describeFailure(error, timeoutMs), cause: error };
      }
      if (attempt >= retries) {
        throw new DatasetError(DatasetErrorCode.HubUnavailable, `hub ${url} failed after ${attempt + 1} attempts: ${failure.reason}`, {
          status: failure.status,
          cause: failure.cause,
        });
      }
      const delayMs = Math.min(failure.delayMs ?? backoffMs * 2 ** attempt, maxDelayMs);
      this.options.onRetry?.({ url, attempt: attempt + 1, delayMs, reason: failure.reason });
      await sleep(delayMs);
    }
  }

  private async attempt(url: string, headers: Record<string, string>): Promise<string> {
    const response = await this.options.fetch(url, { headers, signal: AbortSignal.timeout(this.options.timeoutMs) });
    const body = await response.text();
    if (response.ok) return body;
    const { status } = response;
    if (status === 429 || status >= 500) {
      const delayMs = status === 429 ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
      throw new RetryableStatus({ reason: `HTTP ${status}: ${errorDetail(body)}`, status, delayMs });
    }
    throw new DatasetError(DatasetErrorCode.HubRequestRejected, `hub ${url} answered ${status}: ${errorDetail(body)}`, { status });
  }
}

class RetryableStatus extends Error {
  constructor(readonly retryable: Retryable) {
    super(retryable.reason);
  }
}

const isRetryable = (error: unknown): error is RetryableStatus => error instanceof RetryableStatus;
