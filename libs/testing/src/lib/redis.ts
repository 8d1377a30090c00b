import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A key namespace of its own for one test suite, so suites and stacks can share one Redis. */
export const uniquePrefix = (label: string): string => `test:${label}:${randomBytes(4).toString('hex')}`;

/** Deletes every key under `prefix` (SCAN, not KEYS, so a shared Redis is not blocked). */
export const deleteKeys = async (prefix: string, url = TEST_REDIS_URL): Promise<number> => {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
};
