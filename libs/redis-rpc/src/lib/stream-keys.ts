import { DEFAULT_LANES } from './options';

/**
 * Every Redis name the transport uses for one service.
 * WARNING: these names are wire format. Renaming strands queued requests: change them only with a migration.
 */
export interface StreamKeys {
  /** `${prefix}:rpc:${service}`; every other name starts with it. */
  base: string;
  /** Request stream per lane, in priority order. */
  lanes: Readonly<Record<string, string>>;
  /** Request stream of one lane. Throws for an unknown lane. */
  lane(lane: string): string;
  /** Dead-letter stream. */
  dead: string;
  /** Pub/sub reply channel of one client instance (a channel, not a key). */
  replyChannel(clientId: string): string;
  /** PSUBSCRIBE pattern matching every reply channel of the service. */
  replyChannelPattern: string;
  /** All keys (not channels) the transport writes, e.g. to delete them after a test. */
  all: readonly string[];
}

export const streamKeys = (prefix: string, service: string, lanes: readonly string[] = DEFAULT_LANES): StreamKeys => {
  const base = `${prefix}:rpc:${service}`;
  const laneKeys: Record<string, string> = {};
  for (const lane of lanes) laneKeys[lane] = `${base}:${lane}`;
  const dead = `${base}:dead`;
  return {
    base,
    lanes: laneKeys,
    lane(lane: string): string {
      const key = laneKeys[lane];
      if (key === undefined) throw new Error(`redis-rpc: unknown lane "${lane}" (lanes: ${lanes.join(', ')})`);
      return key;
    },
    dead,
    replyChannel: (clientId: string) => `${base}:reply:${clientId}`,
    replyChannelPattern: `${base}:reply:*`,
    all: [...Object.values(laneKeys), dead],
  };
};
