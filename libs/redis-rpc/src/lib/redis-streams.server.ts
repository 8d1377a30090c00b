import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, Server, type WritePacket } from '@nestjs/microservices';
import type { Redis } from 'ioredis';
import { RpcReplyErrorCode } from './errors';
import { InFlightTracker } from './in-flight';
import { type RedisStreamsObserver, type RedisStreamsServerOptions, type ResolvedServerOptions, resolveServerOptions } from './options';
import { RedisStreamsContext } from './redis-streams.context';
import { closeConnection, createConnection, errorMessage } from './redis-connection';
import { assertExecOk, autoClaim, deleteConsumerIfIdle, deliveryCounts, ensureGroups, type GroupMember, readNewEntries, refreshIdle } from './stream-commands';
import { type StreamKeys, streamKeys } from './stream-keys';
import { decodeRequest, type ReplyPacket, type RequestEnvelope, type StreamEntry, toSerializableError } from './wire';

/** Transport id: `@MessagePattern(pattern, REDIS_STREAMS_TRANSPORT)` binds a handler to this transport only. */
export const REDIS_STREAMS_TRANSPORT = Symbol('REDIS_STREAMS');

const DEAD_LETTER_MAX_LEN = 10_000;

interface LaneBatch {
  lane: string;
  entries: StreamEntry[];
  /** Delivery counts of reclaimed entries; entries read with `>` are on their first delivery. */
  deliveries?: Map<string, number>;
}

/**
 * Nest server strategy over Redis Streams consumer groups: every replica reads the same group, so
 * each request is computed by exactly one of them. Lanes are drained in priority order; entries of
 * dead replicas are reclaimed after `visibilityTimeoutMs`; repeatedly failing entries are dead-lettered.
 */
export class RedisStreamsServer extends Server implements CustomTransportStrategy {
  override readonly transportId = REDIS_STREAMS_TRANSPORT;
  protected override readonly logger = new Logger(RedisStreamsServer.name);
  private readonly options: ResolvedServerOptions;
  private readonly keys: StreamKeys;
  private readonly laneKeys: string[];
  private readonly member: GroupMember;
  private readonly inFlight = new InFlightTracker();
  private readonly reclaimCursors = new Map<string, string>();
  private commands: Redis | undefined;
  private blocking: Redis | undefined;
  private readLoop: Promise<void> | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatRunning = false;
  private nextReclaimAt = 0;
  private stopping = false;
  private closing: Promise<void> | undefined;
  private wakeSleep: (() => void) | undefined;

  constructor(options: RedisStreamsServerOptions) {
    super();
    this.options = resolveServerOptions(options);
    this.keys = streamKeys(this.options.prefix, this.options.service, this.options.lanes);
    this.laneKeys = this.options.lanes.map((lane) => this.keys.lane(lane));
    this.member = { group: this.options.group, consumer: this.options.consumerName };
  }

  get consumerName(): string {
    return this.options.consumerName;
  }

  /** Entries being computed by this replica right now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    this.start().then(
      () => callback(),
      (err: unknown) => callback(err),
    );
  }

  /** Stops reading, waits up to `shutdownGraceMs` for in-flight entries, then quits. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  on(): never {
    throw new Error('RedisStreamsServer has no event listeners; use the observer option or unwrap()');
  }

  unwrap<T>(): T {
    if (!this.commands || !this.blocking) throw new Error('RedisStreamsServer is not listening; call listen() first');
    return [this.commands, this.blocking] as T;
  }

  private async start(): Promise<void> {
    const base = `rpc:${this.options.service}:server:${this.options.consumerName}`;
    this.commands = createConnection({ url: this.options.url, name: `${base}:cmd`, logger: this.logger });
    // Reads only. Not resent after a reconnect: the loop retries by itself, and close() unblocks it by disconnecting.
    this.blocking = createConnection({
      url: this.options.url,
      name: `${base}:blocking`,
      logger: this.logger,
      overrides: { autoResendUnfulfilledCommands: false, maxRetriesPerRequest: 1 },
    });
    try {
      await Promise.all([this.commands.connect(), this.blocking.connect()]);
      await ensureGroups(this.commands, this.laneKeys, this.options.group);
    } catch (err) {
      await Promise.all([closeConnection(this.commands), closeConnection(this.blocking)]);
      throw err;
    }
    this._status$.next('connected');
    const heartbeatMs = Math.max(20, Math.floor(this.options.visibilityTimeoutMs / 3));
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), heartbeatMs);
    this.heartbeatTimer.unref();
    this.readLoop = this.runReadLoop();
    const { consumerName: consumer, group, lanes, maxInFlight } = this.options;
    this.logger.log({ service: this.options.service, consumer, group, lanes, maxInFlight, msg: 'RPC server reading' });
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    this.inFlight.wakeAll();
    this.wakeSleep?.();
    // Disconnecting is the only way to end a pending XREADGROUP BLOCK at once.
    this.blocking?.disconnect();
    await this.readLoop;
    const drained = await this.inFlight.waitUntilEmpty(this.options.shutdownGraceMs);
    if (!drained) {
      this.logger.warn({ consumer: this.options.consumerName, unfinished: this.inFlight.size, msg: 'Shutdown grace elapsed; unfinished entries stay pending for other replicas' });
    }
    clearInterval(this.heartbeatTimer);
    await this.forgetConsumer();
    await closeConnection(this.commands);
    this._status$.next('disconnected');
  }

  private async forgetConsumer(): Promise<void> {
    if (!this.commands) return;
    for (const key of this.laneKeys) {
      await deleteConsumerIfIdle(this.commands, key, this.member).catch((err: unknown) =>
        this.logger.warn({ consumer: this.options.consumerName, key, error: errorMessage(err), msg: 'Could not remove the consumer from its group' }),
      );
    }
  }

  /** One loop per replica: reclaim when due, then new entries lane by lane; never more than maxInFlight. */
  private async runReadLoop(): Promise<void> {
    while (!this.stopping) {
      const capacity = this.options.maxInFlight - this.inFlight.size;
      if (capacity <= 0) {
        await this.inFlight.waitForChange();
        continue;
      }
      try {
        if (Date.now() >= this.nextReclaimAt) {
          this.nextReclaimAt = Date.now() + this.options.reclaimIntervalMs;
          if (await this.reclaim(capacity)) continue;
        }
        for (const batch of await this.readNew(capacity)) this.dispatchBatch(batch);
      } catch (err) {
        if (this.stopping) break;
        await this.recoverFromReadError(err);
      }
    }
  }

  /** Highest non-empty lane first, without blocking; only when all are empty, block on all of them. */
  private async readNew(capacity: number): Promise<LaneBatch[]> {
    const blocking = this.requireConnection(this.blocking);
    for (const [index, lane] of this.options.lanes.entries()) {
      const entries = (await readNewEntries(blocking, this.member, [this.laneKeys[index]], capacity)).get(this.laneKeys[index]);
      if (entries) return [{ lane, entries }];
      if (this.stopping) return [];
    }
    // COUNT applies per stream; splitting keeps one wake-up within capacity.
    const perLane = Math.max(1, Math.floor(capacity / this.laneKeys.length));
    const blockMs = Math.min(this.options.blockMs, Math.max(1, this.nextReclaimAt - Date.now()));
    const byKey = await readNewEntries(blocking, this.member, this.laneKeys, perLane, blockMs);
    return this.options.lanes.flatMap((lane, index) => {
      const entries = byKey.get(this.laneKeys[index]);
      return entries ? [{ lane, entries }] : [];
    });
  }

  /** XAUTOCLAIM per lane (COUNT ≤ free capacity). Returns true when something was claimed. */
  private async reclaim(capacity: number): Promise<boolean> {
    const blocking = this.requireConnection(this.blocking);
    for (const [index, lane] of this.options.lanes.entries()) {
      const key = this.laneKeys[index];
      const claimed = await autoClaim(blocking, key, this.member, this.options.visibilityTimeoutMs, this.reclaimCursors.get(lane) ?? '0-0', capacity);
      this.reclaimCursors.set(lane, claimed.cursor);
      if (claimed.deletedIds.length > 0) {
        this.logger.warn({ lane, entryIds: claimed.deletedIds, msg: 'Pending entries were trimmed from the stream before anyone answered' });
      }
      if (claimed.entries.length === 0) continue;
      const deliveries = await deliveryCounts(blocking, key, this.options.group, claimed.entries.map((entry) => entry.id));
      this.notify((o) => o.onReclaimed?.(lane, claimed.entries.length));
      this.logger.log({ lane, consumer: this.options.consumerName, count: claimed.entries.length, msg: 'Reclaimed entries idle longer than the visibility timeout' });
      this.dispatchBatch({ lane, entries: claimed.entries, deliveries });
      return true;
    }
    return false;
  }

  private async recoverFromReadError(err: unknown): Promise<void> {
    const message = errorMessage(err);
    // The stream or group vanished (Redis restarted without persistence, keys deleted): recreate it.
    if (message.includes('NOGROUP')) {
      await ensureGroups(this.requireConnection(this.commands), this.laneKeys, this.options.group).catch(() => undefined);
    } else {
      this.logger.warn({ consumer: this.options.consumerName, error: message, msg: 'Reading the request streams failed; retrying' });
    }
    await this.sleep(Math.min(this.options.blockMs, 1_000));
  }

  /** All entries of one read start in one synchronous loop, so a setImmediate batcher sees them together. */
  private dispatchBatch({ lane, entries, deliveries }: LaneBatch): void {
    if (!deliveries) this.notify((o) => o.onEntriesRead?.(lane, entries.length));
    for (const entry of entries) {
      const deliveryCount = deliveries ? deliveries.get(entry.id) : 1;
      // Absent: acknowledged by its previous owner between our claim and our look-up.
      if (deliveryCount === undefined || this.inFlight.has(lane, entry.id)) continue;
      this.dispatchEntry(lane, entry, deliveryCount);
    }
  }

  private dispatchEntry(lane: string, entry: StreamEntry, deliveryCount: number): void {
    const key = this.keys.lane(lane);
    if (entry.fields === null) {
      void this.ack(lane, entry.id);
      return;
    }
    const request = decodeRequest(entry.fields);
    if (!request) {
      void this.deadLetter(lane, entry, 'malformed entry', deliveryCount, undefined);
      return;
    }
    if (deliveryCount > this.options.maxDeliveries) {
      void this.deadLetter(lane, entry, `delivered ${deliveryCount} times (max ${this.options.maxDeliveries})`, deliveryCount, request);
      return;
    }
    const now = Date.now();
    if (request.deadline !== undefined && request.deadline <= now) {
      // Nobody waits for it any more: computing it would only delay live work.
      this.notify((o) => o.onExpired?.(lane));
      void this.ack(lane, entry.id);
      return;
    }
    let data: unknown;
    try {
      data = JSON.parse(request.data);
    } catch {
      void this.deadLetter(lane, entry, 'payload is not JSON', deliveryCount, request);
      return;
    }
    const context = new RedisStreamsContext({
      lane,
      entryId: entry.id,
      requestId: request.id,
      deliveryCount,
      deadline: request.deadline,
      enqueuedAt: request.enqueuedAt,
      consumer: this.options.consumerName,
    });
    this.inFlight.add({ lane, entryId: entry.id, startedAt: now });
    const finish = () => this.finish(lane, entry.id, now, context);

    if (request.replyTo === undefined) {
      // Event (emit): no reply; acknowledged once the handler has run.
      this.handleEvent(request.pattern, { pattern: request.pattern, data }, context)
        .then(() => this.ack(lane, entry.id))
        .catch((err: unknown) => this.logger.error({ lane, entryId: entry.id, pattern: request.pattern, error: errorMessage(err), msg: 'Event handler failed' }))
        .finally(finish);
      return;
    }
    const respond = this.createResponder(key, entry.id, request.id, request.replyTo, finish);
    const handler = this.getHandlerByPattern(request.pattern);
    if (!handler) {
      void respond({ err: { code: RpcReplyErrorCode.PatternNotFound, message: `No handler for pattern "${request.pattern}"` } });
      return;
    }
    this.onProcessingStartHook(REDIS_STREAMS_TRANSPORT, context, async () => {
      try {
        this.send(this.transformToObservable(await handler(data, context)), respond);
      } catch (err) {
        await respond({ err: toSerializableError(err) });
      }
    });
  }

  /** Publishes each reply; the final one (error or disposed) goes out with the XACK in one MULTI. */
  private createResponder(key: string, entryId: string, requestId: string, replyTo: string, finish: () => void): (packet: WritePacket) => Promise<void> {
    let finished = false;
    return async (packet) => {
      if (finished) return;
      const hasError = packet.err !== undefined && packet.err !== null;
      let isFinal = hasError || packet.isDisposed === true;
      const reply: ReplyPacket = hasError
        ? { id: requestId, err: toSerializableError(packet.err), isDisposed: true }
        : { id: requestId, response: packet.response, isDisposed: packet.isDisposed };
      let message: string;
      try {
        message = JSON.stringify(reply);
      } catch (err) {
        const code = RpcReplyErrorCode.ResponseNotSerializable;
        message = JSON.stringify({ id: requestId, err: { code, message: errorMessage(err) }, isDisposed: true });
        isFinal = true;
      }
      if (isFinal) finished = true;
      try {
        const commands = this.requireConnection(this.commands);
        if (isFinal) assertExecOk(await commands.multi().publish(replyTo, message).xack(key, this.options.group, entryId).exec());
        else await commands.publish(replyTo, message);
      } catch (err) {
        // Not acknowledged: the entry stays pending and is reclaimed (and answered) by someone else.
        this.logger.warn({ entryId, requestId, error: errorMessage(err), msg: 'Reply or XACK failed; entry left pending' });
      } finally {
        if (isFinal) finish();
      }
    };
  }

  private finish(lane: string, entryId: string, startedAt: number, context: RedisStreamsContext): void {
    if (!this.inFlight.remove(lane, entryId)) return;
    this.onProcessingEndHook?.(REDIS_STREAMS_TRANSPORT, context);
    this.notify((o) => o.onHandled?.(lane, Date.now() - startedAt));
  }

  private async ack(lane: string, entryId: string): Promise<void> {
    try {
      await this.requireConnection(this.commands).xack(this.keys.lane(lane), this.options.group, entryId);
    } catch (err) {
      this.logger.warn({ lane, entryId, error: errorMessage(err), msg: 'XACK failed' });
    }
  }

  /** Copies the entry to the dead-letter stream, acknowledges it and tells a still-waiting client, atomically. */
  private async deadLetter(lane: string, entry: StreamEntry, reason: string, deliveries: number, request: RequestEnvelope | undefined): Promise<void> {
    const commands = this.requireConnection(this.commands);
    const extra = ['lane', lane, 'originalId', entry.id, 'reason', reason, 'deliveries', String(deliveries)];
    const tx = commands
      .multi()
      .xadd(this.keys.dead, 'MAXLEN', '~', DEAD_LETTER_MAX_LEN, '*', ...(entry.fields ?? []), ...extra, 'consumer', this.options.consumerName, 'deadLetteredAt', String(Date.now()))
      .xack(this.keys.lane(lane), this.options.group, entry.id);
    if (request?.replyTo && (request.deadline === undefined || request.deadline > Date.now())) {
      const err = { code: RpcReplyErrorCode.DeadLettered, message: `Request moved to the dead-letter stream: ${reason}` };
      tx.publish(request.replyTo, JSON.stringify({ id: request.id, err, isDisposed: true }));
    }
    try {
      assertExecOk(await tx.exec());
      this.notify((o) => o.onDeadLettered?.(lane));
      this.logger.warn({ lane, entryId: entry.id, requestId: request?.id, pattern: request?.pattern, reason, msg: 'Entry dead-lettered' });
    } catch (err) {
      this.logger.error({ lane, entryId: entry.id, error: errorMessage(err), msg: 'Dead-lettering failed; entry left pending' });
    }
  }

  /** Keeps our in-flight entries' idle time low so no other replica reclaims work that is still running. */
  private async heartbeat(): Promise<void> {
    if (this.heartbeatRunning || !this.commands) return;
    this.heartbeatRunning = true;
    try {
      for (const [lane, ids] of this.inFlight.idsByLane()) await refreshIdle(this.commands, this.keys.lane(lane), this.member, ids);
    } catch (err) {
      this.logger.warn({ consumer: this.options.consumerName, error: errorMessage(err), msg: 'Heartbeat (XCLAIM JUSTID) failed' });
    } finally {
      this.heartbeatRunning = false;
    }
  }

  private notify(call: (observer: RedisStreamsObserver) => void): void {
    try {
      call(this.options.observer);
    } catch (err) {
      this.logger.warn({ error: errorMessage(err), msg: 'RPC server observer threw' });
    }
  }

  private requireConnection(redis: Redis | undefined): Redis {
    if (!redis) throw new Error('RedisStreamsServer is not listening');
    return redis;
  }

  /** A pause that close() can cut short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopping) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.wakeSleep = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleep = done;
    });
  }
}
