// Response bodies are JSON of many shapes, asserted field by field in the specs.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { INestApplication, LoggerService } from '@nestjs/common';
import { createGateway } from '../bootstrap';
import { loadGatewayConfig } from '../config/gateway.config';

export interface HarnessResponse {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export interface RunningGateway {
  app: INestApplication;
  url: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<HarnessResponse>;
  get(path: string, headers?: Record<string, string>): Promise<HarnessResponse>;
  delete(path: string, headers?: Record<string, string>): Promise<HarnessResponse>;
  request(method: string, path: string, init?: { body?: string; headers?: Record<string, string> }): Promise<HarnessResponse>;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** Sent as X-API-Key on every request unless the request sets its own X-API-Key or Authorization (then pass `X-API-Key: ''` to send none). */
  apiKey?: string;
  logger?: LoggerService;
}

/** Keys the e2e specs put in API_KEYS (test-only secrets, at least 32 characters). */
export const TEST_KEYS = {
  admin: 'sk_test_admin_0123456789abcdefghijklmnopqrstuvwxyz',
  operator: 'sk_test_operator_0123456789abcdefghijklmnopqrstuvwxyz',
  predict: 'sk_test_predict_0123456789abcdefghijklmnopqrstuvwxyz',
} as const;

/** `API_KEYS` value declaring TEST_KEYS as e2e-admin, e2e-operator and e2e-predict. */
export const TEST_API_KEYS = Object.entries(TEST_KEYS)
  .map(([role, secret]) => `e2e-${role}:${role}:${secret}`)
  .join(',');

const silentLogger = { log: () => undefined, error: () => undefined, warn: () => undefined, debug: () => undefined, verbose: () => undefined };

const parse = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
};

/** Boots the real gateway in-process on a free port, configured through the same env variables as production. */
export const startGateway = async (env: Record<string, string>, options: GatewayOptions = {}): Promise<RunningGateway> => {
  // The prediction log is off unless a spec turns it on: most specs use the default DATABASE_URL.
  const app = await createGateway(loadGatewayConfig({ PORT: '0', HOST: '127.0.0.1', PREDICTION_LOG_SAMPLE_RATE: '0', ...env }), options.logger ?? silentLogger);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const url = `http://127.0.0.1:${address.port}`;
  const request: RunningGateway['request'] = async (method, path, init = {}) => {
    const own = Object.keys(init.headers ?? {}).some((name) => ['x-api-key', 'authorization'].includes(name.toLowerCase()));
    const headers: Record<string, string> = { ...(options.apiKey && !own ? { 'X-API-Key': options.apiKey } : {}), ...init.headers };
    for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name];
    const response = await fetch(`${url}${path}`, { method, headers, body: init.body });
    const text = await response.text();
    return { status: response.status, body: parse(text), text, headers: response.headers };
  };
  return {
    app,
    url,
    request,
    post: (path, body, headers = {}) => request('POST', path, { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } }),
    get: (path, headers) => request('GET', path, { headers }),
    delete: (path, headers) => request('DELETE', path, { headers }),
    close: () => app.close(),
  };
};
