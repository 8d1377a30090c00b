import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Priority lanes, highest first. Replicas drain a lane before they read the next one. */
export const DEFAULT_LANES: readonly string[] = ['live', 'bulk'];

/** Shared by the server strategy and the client: where the streams live. */
export interface RedisStreamsTransportOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  url: string;
  /** Key namespace (environment, tenant or test run). Keys are `${prefix}:rpc:${service}:...`. */
  prefix: string;
  /** Logical service name, e.g. `inference`. */
  service: string;
  /** Lanes in priority order. Default `['live', 'bulk']`. Client and server must agree. */
  lanes?: readonly string[];
  /** Consumer group name. Default `${service}-workers`. */
  group?: string;
}

/** Per-entry callbacks for metrics (this lib has no prom-client dependency on purpose). */
export interface RedisStreamsObserver {
  onEntriesRead?(lane: string, count: number): void;
  onExpired?(lane: string): void;
  onReclaimed?(lane: string, count: number): void;
  onDeadLettered?(lane: string): void;
  onHandled?(lane: string, durationMs: number): void;
}

export interface RedisStreamsServerOptions extends RedisStreamsTransportOptions {
  /** Unique per replica. Default `${hostname}-${pid}-${random}`. */
  consumerName?: string;
  /** Entries handled concurrently by this replica. Default 16. */
  maxInFlight?: number;
  /** How long one blocking XREADGROUP waits for new entries. Default 2000 ms. */
  blockMs?: number;
  /** An entry idle this long is presumed lost with its replica and is reclaimed. Default 30000 ms. */
  visibilityTimeoutMs?: number;
  /** How often pending entries of other consumers are inspected. Default min(visibilityTimeoutMs / 2, 5000) ms. */
  reclaimIntervalMs?: number;
  /** Deliveries allowed before an entry goes to the dead-letter stream. Default 5. */
  maxDeliveries?: number;
  /** How long `close()` waits for in-flight entries. Default 10000 ms. */
  shutdownGraceMs?: number;
  observer?: RedisStreamsObserver;
}

export type RpcCallOutcome = 'ok' | 'error' | 'deadline_exceeded' | 'unavailable' | 'cancelled';

export interface RedisStreamsClientObserver {
  /** Called once per call that reached the enqueue step (plus immediate `unavailable` failures). */
  onCallCompleted?(call: { pattern: string; lane: string; outcome: RpcCallOutcome; durationMs: number }): void;
}

export interface RedisStreamsClientOptions extends RedisStreamsTransportOptions {
  /** Unique per client instance (its reply channel). Default `${hostname}-${pid}-${random}`. */
  clientId?: string;
  /** Lane used when `send()` gets no lane. Default: the first lane. */
  defaultLane?: string;
  /** Call timeout when `send()` gets none; also the request's deadline. Default 10000 ms. */
  defaultTimeoutMs?: number;
  /** Approximate cap per request stream (XADD MAXLEN ~). Default 100000. */
  streamMaxLen?: number;
  /** How long the first connection attempt may take before calls fail. Default 2000 ms. */
  connectTimeoutMs?: number;
  observer?: RedisStreamsClientObserver;
}

export interface ResolvedTransportOptions {
  url: string;
  prefix: string;
  service: string;
  lanes: readonly string[];
  group: string;
}

export type ResolvedServerOptions = ResolvedTransportOptions &
  Required<Omit<RedisStreamsServerOptions, keyof RedisStreamsTransportOptions | 'observer'>> & {
    observer: RedisStreamsObserver;
  };

export type ResolvedClientOptions = ResolvedTransportOptions &
  Required<Omit<RedisStreamsClientOptions, keyof RedisStreamsTransportOptions | 'observer'>> & {
    observer: RedisStreamsClientObserver;
  };

export const DEFAULT_SERVER_OPTIONS = {
  maxInFlight: 16,
  blockMs: 2_000,
  visibilityTimeoutMs: 30_000,
  maxDeliveries: 5,
  shutdownGraceMs: 10_000,
} as const;

export const DEFAULT_CLIENT_OPTIONS = {
  defaultTimeoutMs: 10_000,
  streamMaxLen: 100_000,
  connectTimeoutMs: 2_000,
} as const;

/** Unique enough to tell replicas and gateway instances apart in XINFO CONSUMERS and logs. */
export const uniqueInstanceName = (): string => `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;

const positiveInt = (name: string, value: number): number => {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`redis-rpc: ${name} must be a positive number, got ${value}`);
  return Math.floor(value);
};

export const resolveTransportOptions = (options: RedisStreamsTransportOptions): ResolvedTransportOptions => {
  if (!options.url) throw new Error('redis-rpc: url is required');
  if (!options.prefix || !options.service) throw new Error('redis-rpc: prefix and service are required');
  const lanes = options.lanes ?? DEFAULT_LANES;
  if (lanes.length === 0 || new Set(lanes).size !== lanes.length) throw new Error('redis-rpc: lanes must be a non-empty list of distinct names');
  if (lanes.includes('dead') || lanes.includes('reply')) throw new Error('redis-rpc: "dead" and "reply" are reserved key names');
  return { url: options.url, prefix: options.prefix, service: options.service, lanes: [...lanes], group: options.group ?? `${options.service}-workers` };
};

export const resolveServerOptions = (options: RedisStreamsServerOptions): ResolvedServerOptions => {
  const visibilityTimeoutMs = positiveInt('visibilityTimeoutMs', options.visibilityTimeoutMs ?? DEFAULT_SERVER_OPTIONS.visibilityTimeoutMs);
  return {
    ...resolveTransportOptions(options),
    consumerName: options.consumerName ?? uniqueInstanceName(),
    maxInFlight: positiveInt('maxInFlight', options.maxInFlight ?? DEFAULT_SERVER_OPTIONS.maxInFlight),
    blockMs: positiveInt('blockMs', options.blockMs ?? DEFAULT_SERVER_OPTIONS.blockMs),
    visibilityTimeoutMs,
    reclaimIntervalMs: positiveInt('reclaimIntervalMs', options.reclaimIntervalMs ?? Math.min(visibilityTimeoutMs / 2, 5_000)),
    maxDeliveries: positiveInt('maxDeliveries', options.maxDeliveries ?? DEFAULT_SERVER_OPTIONS.maxDeliveries),
    shutdownGraceMs: Math.max(0, options.shutdownGraceMs ?? DEFAULT_SERVER_OPTIONS.shutdownGraceMs),
    observer: options.observer ?? {},
  };
};

export const resolveClientOptions = (options: RedisStreamsClientOptions): ResolvedClientOptions => {
  const transport = resolveTransportOptions(options);
  const defaultLane = options.defaultLane ?? transport.lanes[0];
  if (!transport.lanes.includes(defaultLane)) throw new Error(`redis-rpc: defaultLane "${defaultLane}" is not one of ${transport.lanes.join(', ')}`);
  return {
    ...transport,
    clientId: options.clientId ?? uniqueInstanceName(),
    defaultLane,
    defaultTimeoutMs: positiveInt('defaultTimeoutMs', options.defaultTimeoutMs ?? DEFAULT_CLIENT_OPTIONS.defaultTimeoutMs),
    streamMaxLen: positiveInt('streamMaxLen', options.streamMaxLen ?? DEFAULT_CLIENT_OPTIONS.streamMaxLen),
    connectTimeoutMs: positiveInt('connectTimeoutMs', options.connectTimeoutMs ?? DEFAULT_CLIENT_OPTIONS.connectTimeoutMs),
    observer: options.observer ?? {},
  };
};
