import type { Redis } from 'ioredis';
import { errorMessage } from './redis-connection';
import { parseAutoClaimReply, parsePendingReply, parseReadReply, type StreamEntry } from './wire';

/** Thin typed wrappers over the stream commands the server uses (ioredis types them loosely). */

export interface GroupMember {
  group: string;
  consumer: string;
}

/** Start at id 0, not `$`: requests enqueued before the first replica started must be served. */
export const ensureGroups = async (redis: Redis, keys: readonly string[], group: string): Promise<void> => {
  for (const key of keys) {
    try {
      await redis.call('XGROUP', 'CREATE', key, group, '0', 'MKSTREAM');
    } catch (err) {
      if (!errorMessage(err).includes('BUSYGROUP')) throw err;
    }
  }
};

/** XREADGROUP `>`; without `blockMs` it returns at once. Results keep the order of `keys`. */
export const readNewEntries = async (
  redis: Redis,
  { group, consumer }: GroupMember,
  keys: readonly string[],
  count: number,
  blockMs?: number,
): Promise<Map<string, StreamEntry[]>> => {
  const block = blockMs === undefined ? [] : ['BLOCK', Math.max(1, Math.floor(blockMs))];
  const raw = await redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, ...block, 'STREAMS', ...keys, ...keys.map(() => '>'));
  const byKey = new Map<string, StreamEntry[]>();
  for (const { key, entries } of parseReadReply(raw)) if (entries.length > 0) byKey.set(key, entries);
  return byKey;
};

/** XAUTOCLAIM: takes over entries idle for `minIdleMs` (their replica is presumed dead). */
export const autoClaim = async (
  redis: Redis,
  key: string,
  { group, consumer }: GroupMember,
  minIdleMs: number,
  cursor: string,
  count: number,
): Promise<{ cursor: string; entries: StreamEntry[]; deletedIds: string[] }> =>
  parseAutoClaimReply(await redis.call('XAUTOCLAIM', key, group, consumer, minIdleMs, cursor, 'COUNT', count));

/** Delivery counts of the given pending entries; ids no longer pending are absent. */
export const deliveryCounts = async (redis: Redis, key: string, group: string, ids: readonly string[]): Promise<Map<string, number>> => {
  const counts = new Map<string, number>();
  if (ids.length === 0) return counts;
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.call('XPENDING', key, group, id, id, 1);
  for (const [err, raw] of (await pipeline.exec()) ?? []) {
    if (err) continue;
    for (const row of parsePendingReply(raw)) counts.set(row.id, row.deliveries);
  }
  return counts;
};

/** Heartbeat: XCLAIM to ourselves with min-idle 0 resets the idle time; JUSTID keeps the delivery count. */
export const refreshIdle = async (redis: Redis, key: string, { group, consumer }: GroupMember, ids: readonly string[]): Promise<void> => {
  if (ids.length > 0) await redis.call('XCLAIM', key, group, consumer, 0, ...ids, 'JUSTID');
};

/**
 * Forgets a consumer that holds no pending entries, so replicas that come and go (autoscaling) do not
 * pile up in XINFO CONSUMERS. A consumer with pending entries is kept: deleting it would drop them.
 */
export const deleteConsumerIfIdle = async (redis: Redis, key: string, { group, consumer }: GroupMember): Promise<boolean> => {
  const pending = parsePendingReply(await redis.call('XPENDING', key, group, '-', '+', 1, consumer));
  if (pending.length > 0) return false;
  await redis.call('XGROUP', 'DELCONSUMER', key, group, consumer);
  return true;
};

/** Throws unless every command of a MULTI succeeded (ioredis reports them per command). */
export const assertExecOk = (results: [Error | null, unknown][] | null): void => {
  if (!results) throw new Error('MULTI aborted');
  const failed = results.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
};
