import { randomUUID } from 'node:crypto';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { isNil } from '@nestjs/common/utils/shared.utils';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { InvalidMessageException } from '@nestjs/microservices/errors/invalid-message.exception';
import type { Redis } from 'ioredis';
import { defer, mergeMap, Observable, throwError } from 'rxjs';
import { RpcDeadlineExceededError, RpcUnavailableError, isRpcTransportError } from './errors';
import { type RedisStreamsClientOptions, type ResolvedClientOptions, type RpcCallOutcome, resolveClientOptions } from './options';
import { closeConnection, createConnection, errorMessage } from './redis-connection';
import { type StreamKeys, streamKeys } from './stream-keys';
import { type LaneStreamStats, readStreamStats } from './stream-stats';
import { encodeRequest, parseReply } from './wire';

/** Third argument of `send()`; both fields fall back to the client's defaults. */
export interface RpcCallOptions {
  lane?: string;
  timeoutMs?: number;
}

interface PendingCall {
  callback: (packet: WritePacket) => void;
  timer: NodeJS.Timeout;
  pattern: string;
  lane: string;
  startedAt: number;
}

/**
 * Nest `ClientProxy` over Redis Streams: each request is XADDed to one lane's stream, where exactly
 * one replica of the consumer group reads it; replies come back on this instance's own pub/sub channel.
 * A call always ends: with the reply, a server error, `RpcDeadlineExceededError` or `RpcUnavailableError`.
 */
export class RedisStreamsClient extends ClientProxy implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisStreamsClient.name);
  private readonly options: ResolvedClientOptions;
  private readonly keys: StreamKeys;
  private readonly replyChannel: string;
  private readonly pending = new Map<string, PendingCall>();
  private commands: Redis | undefined;
  private subscriber: Redis | undefined;
  /** First connection attempt only; later outages are ridden out by ioredis reconnecting in the background. */
  private firstConnect: Promise<void> | undefined;
  private subscribing: Promise<void> | undefined;
  private subscribed = false;

  constructor(options: RedisStreamsClientOptions) {
    super();
    this.options = resolveClientOptions(options);
    this.keys = streamKeys(this.options.prefix, this.options.service, this.options.lanes);
    this.replyChannel = this.keys.replyChannel(this.options.clientId);
  }

  get clientId(): string {
    return this.options.clientId;
  }

  /** Calls waiting for a reply (for tests and health output). */
  get pendingCalls(): number {
    return this.pending.size;
  }

  /**
   * Opens the connections on first use and waits for that first attempt only. Afterwards it never
   * waits: while Redis is away it fails at once, and the connections keep reconnecting by themselves.
   */
  async connect(): Promise<void> {
    this.firstConnect ??= this.open();
    if (this.isReady()) return;
    try {
      await this.firstConnect;
    } catch (err) {
      throw new RpcUnavailableError(`Redis unreachable for RPC "${this.options.service}": ${errorMessage(err)}`, { cause: err });
    }
    if (!this.isReady()) throw new RpcUnavailableError(`Redis not connected for RPC "${this.options.service}"`);
  }

  /** Fails pending calls with RpcUnavailableError, unsubscribes and quits. `connect()` may be called again. */
  async close(): Promise<void> {
    this.failAll(() => new RpcUnavailableError('RPC client closed'));
    if (this.subscriber?.status === 'ready') await this.subscriber.unsubscribe(this.replyChannel).catch(() => undefined);
    await this.dispose();
  }

  /** Closed with the Nest app when provided directly (ClientsModule does the same for registered clients). */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /**
   * Backlog of the given lanes (default: all) in one pipelined round trip on the command connection,
   * e.g. for admission control or for bulk producers that yield to live traffic. Fails fast while Redis is away.
   */
  async readLaneStats(lanes: readonly string[] = this.options.lanes): Promise<LaneStreamStats[]> {
    const unknown = lanes.find((lane) => !this.options.lanes.includes(lane));
    if (unknown !== undefined) throw new Error(`redis-rpc: unknown lane "${unknown}" (lanes: ${this.options.lanes.join(', ')})`);
    await this.connect();
    const commands = this.readyCommands();
    try {
      return await readStreamStats(commands, { prefix: this.options.prefix, service: this.options.service, lanes, group: this.options.group });
    } catch (err) {
      throw new RpcUnavailableError(`lane stats of RPC "${this.options.service}" not read: ${errorMessage(err)}`, { cause: err });
    }
  }

  unwrap<T>(): T {
    if (!this.commands || !this.subscriber) throw new Error('RedisStreamsClient is not connected; call connect() first');
    return [this.commands, this.subscriber] as T;
  }

  /** Nest's `send`, plus per-call lane and timeout. */
  override send<TResult = unknown, TInput = unknown>(pattern: unknown, data: TInput, options: RpcCallOptions = {}): Observable<TResult> {
    if (isNil(pattern) || isNil(data)) return throwError(() => new InvalidMessageException());
    return defer(() => this.connect()).pipe(
      mergeMap(
        () =>
          new Observable<TResult>((subscriber) => {
            const callback = this.createObserver(subscriber);
            return this.publishRequest({ pattern, data }, callback, options);
          }),
      ),
    );
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    return this.publishRequest(packet, callback, {});
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    const commands = this.readyCommands();
    const lane = this.options.defaultLane;
    const fields = encodeRequest({
      id: randomUUID(),
      pattern: this.normalizePattern(packet.pattern),
      data: JSON.stringify(packet.data),
      enqueuedAt: Date.now(),
    });
    try {
      await commands.xadd(this.keys.lane(lane), 'MAXLEN', '~', this.options.streamMaxLen, '*', ...fields);
    } catch (err) {
      throw new RpcUnavailableError(`RPC event not enqueued: ${errorMessage(err)}`, { cause: err });
    }
    return undefined as T;
  }

  private open(): Promise<void> {
    const base = `rpc:${this.options.service}:client:${this.options.clientId}`;
    const connectTimeout = this.options.connectTimeoutMs;
    // No offline queue: while Redis is down, calls fail at once instead of piling up.
    const commands = createConnection({
      url: this.options.url,
      name: `${base}:cmd`,
      logger: this.logger,
      overrides: { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout },
    });
    const subscriber = createConnection({ url: this.options.url, name: `${base}:sub`, logger: this.logger, overrides: { connectTimeout } });
    this.commands = commands;
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, message: string) => this.onReply(channel, message));
    // (Re)subscribe whenever the subscriber comes back, also when the very first attempt had failed.
    subscriber.on('ready', () => void this.subscribeReplies(subscriber).catch(() => undefined));
    // Pub/sub does not buffer: replies published while the subscriber is away are lost, so fail now.
    subscriber.on('close', () => {
      if (this.subscriber !== subscriber) return;
      this.subscribed = false;
      this.failAll(() => new RpcUnavailableError(`Reply channel of RPC "${this.options.service}" lost its Redis connection`));
    });
    commands.on('ready', () => this._status$.next('connected'));
    commands.on('reconnecting', () => this._status$.next('reconnecting'));
    commands.on('end', () => this._status$.next('disconnected'));
    const first = Promise.all([commands.connect(), subscriber.connect()]).then(() => this.subscribeReplies(subscriber));
    first.catch(() => undefined); // awaited by connect(); never an unhandled rejection
    return first;
  }

  private subscribeReplies(subscriber: Redis): Promise<void> {
    if (this.subscribed) return Promise.resolve();
    this.subscribing ??= subscriber
      .subscribe(this.replyChannel)
      .then(() => {
        if (this.subscriber !== subscriber) return;
        this.subscribed = true;
        this.logger.log({ clientId: this.options.clientId, replyChannel: this.replyChannel, msg: 'RPC client listening for replies' });
      })
      .finally(() => (this.subscribing = undefined));
    return this.subscribing;
  }

  private async dispose(): Promise<void> {
    const { commands, subscriber } = this;
    this.commands = this.subscriber = undefined;
    this.firstConnect = this.subscribing = undefined;
    this.subscribed = false;
    await Promise.all([closeConnection(commands), closeConnection(subscriber)]);
  }

  private isReady(): boolean {
    return this.commands?.status === 'ready' && this.subscriber?.status === 'ready' && this.subscribed;
  }

  /** Both connections must be up: a request whose reply cannot arrive should fail now, not at its deadline. */
  private readyCommands(): Redis {
    if (!this.commands || !this.isReady()) throw new RpcUnavailableError(`Redis not connected for RPC "${this.options.service}"`);
    return this.commands;
  }

  private publishRequest(packet: ReadPacket, callback: (packet: WritePacket) => void, options: RpcCallOptions): () => void {
    const lane = options.lane ?? this.options.defaultLane;
    const timeoutMs = options.timeoutMs ?? this.options.defaultTimeoutMs;
    const pattern = this.normalizePattern(packet.pattern);
    let commands: Redis;
    let streamKey: string;
    let data: string;
    try {
      if (!(timeoutMs > 0)) throw new Error(`redis-rpc: timeoutMs must be positive, got ${timeoutMs}`);
      streamKey = this.keys.lane(lane);
      data = JSON.stringify(packet.data);
      commands = this.readyCommands();
    } catch (err) {
      if (isRpcTransportError(err)) this.report(pattern, lane, 'unavailable', Date.now());
      callback({ err });
      return () => undefined;
    }

    const id = randomUUID();
    const startedAt = Date.now();
    const deadline = startedAt + timeoutMs;
    // The client enforces the deadline itself: a request never waits longer than its timeout.
    const timer = setTimeout(() => this.settle(id, 'deadline_exceeded', { err: new RpcDeadlineExceededError(pattern, lane, timeoutMs) }), timeoutMs);
    this.pending.set(id, { callback, timer, pattern, lane, startedAt });

    const fields = encodeRequest({ id, pattern, data, deadline, enqueuedAt: startedAt, replyTo: this.replyChannel });
    commands.xadd(streamKey, 'MAXLEN', '~', this.options.streamMaxLen, '*', ...fields).catch((err: unknown) => {
      this.settle(id, 'unavailable', { err: new RpcUnavailableError(`RPC "${pattern}" not enqueued: ${errorMessage(err)}`, { cause: err }) });
    });

    return () => {
      // Unsubscribed before the end: forget the call, so a late reply is ignored.
      const call = this.pending.get(id);
      if (!call) return;
      clearTimeout(call.timer);
      this.pending.delete(id);
      this.report(call.pattern, call.lane, 'cancelled', call.startedAt);
    };
  }

  private onReply(channel: string, message: string): void {
    if (channel !== this.replyChannel) return;
    const packet = parseReply(message);
    if (!packet) return;
    const call = this.pending.get(packet.id);
    if (!call) {
      // Late (after the deadline) or duplicate (entry computed twice): nobody is waiting.
      this.logger.debug({ requestId: packet.id, msg: 'Reply for an unknown request ignored' });
      return;
    }
    if (packet.err !== undefined && packet.err !== null) {
      this.settle(packet.id, 'error', { err: packet.err });
    } else if (packet.isDisposed) {
      this.settle(packet.id, 'ok', { response: packet.response, isDisposed: true });
    } else {
      call.callback({ response: packet.response });
    }
  }

  /** Ends a call exactly once. */
  private settle(id: string, outcome: RpcCallOutcome, packet: WritePacket): void {
    const call = this.pending.get(id);
    if (!call) return;
    clearTimeout(call.timer);
    this.pending.delete(id);
    this.report(call.pattern, call.lane, outcome, call.startedAt);
    call.callback(packet);
  }

  private failAll(makeError: () => Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id, 'unavailable', { err: makeError() });
  }

  private report(pattern: string, lane: string, outcome: RpcCallOutcome, startedAt: number): void {
    try {
      this.options.observer.onCallCompleted?.({ pattern, lane, outcome, durationMs: Date.now() - startedAt });
    } catch (err) {
      this.logger.warn({ error: errorMessage(err), msg: 'RPC client observer threw' });
    }
  }
}
