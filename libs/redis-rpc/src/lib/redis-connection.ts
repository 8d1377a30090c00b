import type { LoggerService } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';

export interface ConnectionSpec {
  url: string;
  /** Shown in CLIENT LIST and in logs, e.g. `rpc:inference:replica-1:blocking`. */
  name: string;
  logger: LoggerService;
  overrides?: RedisOptions;
}

/** Reconnect forever with a capped backoff: a Redis restart must not need a process restart. */
const reconnectBackoff = (times: number): number => Math.min(50 * 2 ** Math.min(times, 6), 2_000);

/**
 * Opens lazily (call `connect()`), reconnects forever, and logs connection errors once per outage
 * instead of once per retry.
 */
export const createConnection = ({ url, name, logger, overrides }: ConnectionSpec): Redis => {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectionName: name.replace(/\s/g, '_'),
    retryStrategy: reconnectBackoff,
    // ioredis arms this timer even when the socket is already gone, which holds the process open.
    disconnectTimeout: 500,
    ...overrides,
  });
  let lastError: string | undefined;
  redis.on('error', (err: Error) => {
    if (err.message === lastError) return;
    lastError = err.message;
    logger.warn({ connection: name, error: err.message, msg: 'Redis connection error' });
  });
  redis.on('ready', () => {
    if (lastError !== undefined) logger.log({ connection: name, msg: 'Redis connection restored' });
    lastError = undefined;
  });
  return redis;
};

/** Quit politely when possible; never throws (used on shutdown paths). */
export const closeConnection = async (redis: Redis | undefined): Promise<void> => {
  if (!redis || redis.status === 'end') return;
  try {
    if (redis.status === 'ready') await redis.quit();
    else redis.disconnect();
  } catch {
    redis.disconnect();
  }
};

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
