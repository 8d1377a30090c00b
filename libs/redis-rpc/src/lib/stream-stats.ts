import type { Redis } from 'ioredis';
import { DEFAULT_LANES } from './options';
import { streamKeys } from './stream-keys';

export interface StreamStatsOptions {
  prefix: string;
  service: string;
  lanes?: readonly string[];
  group?: string;
}

/** One lane's backlog, for Prometheus gauges and autoscaling (KEDA reads the same numbers). */
export interface LaneStreamStats {
  lane: string;
  /** XLEN: entries kept in the stream (acknowledged ones too, until trimmed). */
  length: number;
  /** Read by a replica, not yet acknowledged. */
  pending: number;
  /** Not yet read by any replica; null when Redis cannot tell (no group yet, or lag unknown after deletions). */
  lag: number | null;
  /**
   * Entries waiting for a replica, as a number to act on: every entry while no replica has created the
   * group yet, the lag capped at XLEN (the lag also counts entries trimmed unread), 0 when Redis cannot tell.
   * `waiting + pending` is the lane's backlog: requests not answered yet.
   */
  waiting: number;
}

const toCount = (value: unknown): number => {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
};

/** XINFO GROUPS rows are flat `[field, value, ...]` arrays (RESP2 / legacy mapping) or objects (RESP3 mapping). */
const groupRecord = (row: unknown): Record<string, unknown> | undefined => {
  if (Array.isArray(row)) {
    const record: Record<string, unknown> = {};
    for (let i = 0; i + 1 < row.length; i += 2) record[String(row[i])] = row[i + 1];
    return record;
  }
  return typeof row === 'object' && row !== null ? (row as Record<string, unknown>) : undefined;
};

/** The group's lag; `found` is false when the group does not exist (yet). */
const lagOf = (raw: unknown, group: string): { found: boolean; lag: number | null } => {
  if (!Array.isArray(raw)) return { found: false, lag: null };
  for (const row of raw) {
    const record = groupRecord(row);
    if (record?.['name'] !== group) continue;
    const lag = record['lag'];
    return { found: true, lag: lag === null || lag === undefined ? null : toCount(lag) };
  }
  return { found: false, lag: null };
};

/** One round trip (pipeline) for all lanes; missing streams or groups read as empty, never as an error. */
export const readStreamStats = async (redis: Redis, options: StreamStatsOptions): Promise<LaneStreamStats[]> => {
  const lanes = options.lanes ?? DEFAULT_LANES;
  const group = options.group ?? `${options.service}-workers`;
  const keys = streamKeys(options.prefix, options.service, lanes);
  const pipeline = redis.pipeline();
  for (const lane of lanes) {
    const key = keys.lane(lane);
    pipeline.xlen(key);
    pipeline.call('XPENDING', key, group);
    pipeline.call('XINFO', 'GROUPS', key);
  }
  const results = (await pipeline.exec()) ?? [];
  return lanes.map((lane, index) => {
    const [lenResult, pendingResult, groupsResult] = results.slice(index * 3, index * 3 + 3);
    const pendingRaw = pendingResult && !pendingResult[0] ? pendingResult[1] : undefined;
    const length = lenResult && !lenResult[0] ? toCount(lenResult[1]) : 0;
    const { found, lag } = groupsResult && !groupsResult[0] ? lagOf(groupsResult[1], group) : { found: false, lag: null };
    return {
      lane,
      length,
      pending: Array.isArray(pendingRaw) ? toCount(pendingRaw[0]) : 0,
      lag,
      waiting: found ? Math.min(lag ?? 0, length) : length,
    };
  });
};
