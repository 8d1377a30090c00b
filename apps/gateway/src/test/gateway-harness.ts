// Response bodies are JSON of many shapes, asserted field by field in the specs.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { INestApplication } from '@nestjs/common';
import { createGateway } from '../bootstrap';
import { loadGatewayConfig } from '../config/gateway.config';

export interface RunningGateway {
  app: INestApplication;
  url: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  get(path: string): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  close(): Promise<void>;
}

const silentLogger = { log: () => undefined, error: () => undefined, warn: () => undefined, debug: () => undefined, verbose: () => undefined };

/** Boots the real gateway in-process on a free port, configured through the same env variables as production. */
export const startGateway = async (env: Record<string, string>): Promise<RunningGateway> => {
  const app = await createGateway(loadGatewayConfig({ PORT: '0', HOST: '127.0.0.1', ...env }), silentLogger);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    post: async (path, body, headers = {}) => {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
    },
    get: async (path) => {
      const response = await fetch(`${url}${path}`);
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: response.status, body, text, headers: response.headers };
    },
    close: () => app.close(),
  };
};
