import autocannon from 'autocannon';
import { percentile } from '../percentiles';

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** Request bodies, sent in turn (each connection takes the next one). */
  bodies: readonly string[];
  /** Requests answered before this are warm-up and not counted. */
  warmupSeconds?: number;
}

export interface LoadResult {
  connections: number;
  seconds: number;
  requests: number;
  ok: number;
  errors: number;
  /** Non-2xx answers by status, and transport errors/timeouts under "error". */
  failures: Record<string, number>;
  reqPerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
}

/**
 * A closed loop of `connections` clients (autocannon) posting the bodies in turn. Latencies are
 * every response's own time, so percentiles are exact rather than from a coarse histogram.
 */
export const runLoad = async (options: LoadOptions): Promise<LoadResult> => {
  const warmupMs = (options.warmupSeconds ?? 0) * 1000;
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let ok = 0;
  let cursor = 0;
  let measuring = warmupMs === 0;
  let measuredFrom = performance.now();
  let finish: (error: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => (finish = (error) => (error ? reject(error) : resolve())));
  const instance = autocannon(
    {
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: options.connections,
    pipelining: 1,
    duration: options.durationSeconds + warmupMs / 1000,
    timeout: 60,
    requests: [
      {
        setupRequest: (request) => {
          const body = options.bodies[cursor];
          cursor = (cursor + 1) % options.bodies.length;
          return { ...request, body };
          },
        },
      ],
    },
    (error) => finish(error),
  );
  if (!measuring) {
    setTimeout(() => {
      measuring = true;
      measuredFrom = performance.now();
    }, warmupMs).unref();
  }
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (!measuring) return;
    latencies.push(responseTime);
    if (statusCode >= 200 && statusCode < 300) ok++;
    else failures[String(statusCode)] = (failures[String(statusCode)] ?? 0) + 1;
  });
  instance.on('reqError', () => {
    if (measuring) failures['error'] = (failures['error'] ?? 0) + 1;
  });
  await done;
  const seconds = (performance.now() - measuredFrom) / 1000;
  const errors = Object.values(failures).reduce((a, b) => a + b, 0);
  return {
    connections: options.connections,
    seconds,
    requests: latencies.length + (failures['error'] ?? 0),
    ok,
    errors,
    failures,
    reqPerSec: ok / seconds,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    meanMs: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
  };
};
