import { BaseRpcContext } from '@nestjs/microservices';

export interface RedisStreamsEntryInfo {
  /** Lane (priority class) the entry was read from. */
  lane: string;
  /** Stream entry id (`<ms>-<seq>`), unique per lane; what XACK uses. */
  entryId: string;
  /** Request id chosen by the client (correlation id); absent for events. */
  requestId: string | undefined;
  /** How many times the group has delivered this entry (1 on the first read). */
  deliveryCount: number;
  /** Epoch ms after which nobody waits for the answer; `undefined` for events without one. */
  deadline: number | undefined;
  /** Epoch ms at which the client enqueued the request. */
  enqueuedAt: number;
  /** Consumer (replica) handling the entry. */
  consumer: string;
}

/** Handed to `@MessagePattern` handlers as `@Ctx()`. */
export class RedisStreamsContext extends BaseRpcContext<[RedisStreamsEntryInfo]> {
  constructor(info: RedisStreamsEntryInfo) {
    super([Object.freeze({ ...info })]);
  }

  get lane(): string {
    return this.args[0].lane;
  }

  get entryId(): string {
    return this.args[0].entryId;
  }

  get requestId(): string | undefined {
    return this.args[0].requestId;
  }

  get deliveryCount(): number {
    return this.args[0].deliveryCount;
  }

  get deadline(): number | undefined {
    return this.args[0].deadline;
  }

  get enqueuedAt(): number {
    return this.args[0].enqueuedAt;
  }

  get consumer(): string {
    return this.args[0].consumer;
  }

  /** Time the entry waited in the stream before this replica started it. */
  queueTimeMs(now: number = Date.now()): number {
    return Math.max(0, now - this.enqueuedAt);
  }
}
