import { Redis } from 'ioredis';
import { INFERENCE_SERVICE } from '@sentiment-ops/contracts';
import { streamKeys } from '@sentiment-ops/redis-rpc';

// The default RPC client id ends with `-<pid>-<random>` (redis-rpc's uniqueInstanceName).
const CLIENT_PID = /-(\d+)-[0-9a-f]{8}$/;

interface ReplyTotals {
  /** Final replies (the one published with the XACK). */
  requests: number;
  /** Texts in the replies' predictions. */
  items: number;
}

/**
 * Counts computations from the outside. A replica answers a request by publishing its final reply
 * together with the XACK (one MULTI), so every finished computation is one final reply on the
 * caller's reply channel, and an entry computed twice shows up as two final replies with the same
 * request id. The ledger PSUBSCRIBEs to every reply channel of the stack's prefix and counts them
 * per request id, per replica (`replicaId` of predict replies) and per caller (the channel).
 */
export class ReplyLedger {
  private readonly finals = new Map<string, number>();
  private readonly byReplica = new Map<string, ReplyTotals>();
  private readonly byChannel = new Map<string, ReplyTotals>();
  private errors = 0;

  private constructor(private readonly redis: Redis) {}

  static async start(redisUrl: string, prefix: string): Promise<ReplyLedger> {
    // Resubscribes by itself after a Redis restart (ioredis autoResubscribe), retrying fast.
    const redis = new Redis(redisUrl, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
    const ledger = new ReplyLedger(redis);
    redis.on('pmessage', (_pattern: string, channel: string, message: string) => ledger.record(channel, message));
    await redis.connect();
    await redis.psubscribe(streamKeys(prefix, INFERENCE_SERVICE).replyChannelPattern);
    return ledger;
  }

  /** Request ids answered more than once. */
  get duplicated(): number {
    let n = 0;
    for (const count of this.finals.values()) if (count > 1) n++;
    return n;
  }

  /** Request ids answered at least once. */
  get answered(): number {
    return this.finals.size;
  }

  /** Final replies that carried an error (dead-lettered, handler failures). */
  get errorReplies(): number {
    return this.errors;
  }

  replica(replicaId: string): ReplyTotals {
    return this.byReplica.get(replicaId) ?? { requests: 0, items: 0 };
  }

  /** Totals of the replies sent to the RPC clients of process `pid` (client ids are `<host>-<pid>-<8 hex>`). */
  callersIn(pid: number): ReplyTotals {
    const total = { requests: 0, items: 0 };
    for (const [channel, totals] of this.byChannel) {
      if (CLIENT_PID.exec(channel)?.[1] !== String(pid)) continue;
      total.requests += totals.requests;
      total.items += totals.items;
    }
    return total;
  }

  async stop(): Promise<void> {
    this.redis.disconnect();
  }

  private record(channel: string, message: string): void {
    let packet: { id?: unknown; err?: unknown; isDisposed?: unknown; response?: { predictions?: unknown; replicaId?: unknown } };
    try {
      packet = JSON.parse(message);
    } catch {
      return;
    }
    if (typeof packet.id !== 'string') return;
    const hasError = packet.err !== undefined && packet.err !== null;
    const items = Array.isArray(packet.response?.predictions) ? packet.response.predictions.length : 0;
    const replicaId = typeof packet.response?.replicaId === 'string' ? packet.response.replicaId : undefined;
    if (items > 0) {
      add(this.byChannel, channel, { requests: 1, items });
      if (replicaId) add(this.byReplica, replicaId, { requests: 1, items });
    }
    if (packet.isDisposed === true || hasError) {
      this.finals.set(packet.id, (this.finals.get(packet.id) ?? 0) + 1);
      if (hasError) this.errors++;
    }
  }
}

const add = (map: Map<string, ReplyTotals>, key: string, totals: ReplyTotals): void => {
  const current = map.get(key) ?? { requests: 0, items: 0 };
  map.set(key, { requests: current.requests + totals.requests, items: current.items + totals.items });
};
