import { Controller, type DynamicModule, Inject, Injectable, type INestApplicationContext, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientsModule, Ctx, EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import type { Redis } from 'ioredis';
import { firstValueFrom, interval, map, take, toArray } from 'rxjs';
import { createTestRedis, deletePrefixedKeys, TEST_REDIS_URL, testLogger, testStreamKeys, uniqueTestPrefix, waitFor } from '../testing';
import { RpcReplyErrorCode } from './errors';
import type { RedisStreamsTransportOptions } from './options';
import { RedisStreamsClient } from './redis-streams.client';
import { RedisStreamsContext } from './redis-streams.context';
import { RedisStreamsServer } from './redis-streams.server';

const SERVICE = 'inference-rt';
const RPC = 'INFERENCE_RPC';

interface PredictReply {
  label: string;
  lane: string;
  deliveryCount: number;
  consumer: string;
  enqueuedAt: number;
  deadline: number | undefined;
  requestId: string | undefined;
}

const audited: unknown[] = [];

@Controller()
class PredictController {
  @MessagePattern('predict')
  predict(@Payload() data: { text: string }, @Ctx() ctx: RedisStreamsContext): PredictReply {
    return {
      label: data.text.includes('good') ? 'positive' : 'negative',
      lane: ctx.lane,
      deliveryCount: ctx.deliveryCount,
      consumer: ctx.consumer,
      enqueuedAt: ctx.enqueuedAt,
      deadline: ctx.deadline,
      requestId: ctx.requestId,
    };
  }

  @MessagePattern('predict.async')
  async predictAsync(@Payload() data: { text: string }): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return data.text.toUpperCase();
  }

  @MessagePattern('reject')
  reject(): never {
    throw new RpcException({ code: 'INVALID_REQUEST', message: 'texts must not be empty' });
  }

  @MessagePattern('crash')
  crash(): never {
    throw new Error('model exploded');
  }

  @MessagePattern('count')
  count(@Payload() n: number) {
    return interval(1).pipe(
      take(n),
      map((i) => i + 1),
    );
  }

  @EventPattern('audit')
  audit(@Payload() data: unknown): void {
    audited.push(data);
  }
}

@Module({ controllers: [PredictController] })
class InferenceModule {}

@Injectable()
class GatewayService {
  constructor(@Inject(RPC) private readonly rpc: RedisStreamsClient) {}

  predict(text: string, lane?: string): Promise<PredictReply> {
    return firstValueFrom(this.rpc.send<PredictReply>('predict', { text }, { lane }));
  }

  /** Nest's standard two-argument send. */
  predictDefault(text: string): Promise<PredictReply> {
    return firstValueFrom(this.rpc.send<PredictReply>('predict', { text }));
  }

  call<T>(pattern: string, data: unknown): Promise<T> {
    return firstValueFrom(this.rpc.send<T>(pattern, data));
  }

  callAll<T>(pattern: string, data: unknown): Promise<T[]> {
    return firstValueFrom(this.rpc.send<T>(pattern, data).pipe(toArray()));
  }

  audit(data: unknown): Promise<unknown> {
    return firstValueFrom(this.rpc.emit('audit', data), { defaultValue: undefined });
  }
}

@Module({})
class GatewayModule {
  static register(transport: RedisStreamsTransportOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [ClientsModule.register([{ name: RPC, customClass: RedisStreamsClient, options: { ...transport, defaultTimeoutMs: 3_000 } }])],
      providers: [GatewayService],
    };
  }
}

describe('RedisStreams transport: round trip through Nest apps', () => {
  const prefix = uniqueTestPrefix('round-trip');
  const transport: RedisStreamsTransportOptions = { url: TEST_REDIS_URL, prefix, service: SERVICE };
  const keys = testStreamKeys(prefix, SERVICE);
  let redis: Redis;
  let inference: INestMicroservice;
  let gatewayApp: INestApplicationContext;
  let gateway: GatewayService;

  beforeAll(async () => {
    redis = createTestRedis();
    inference = await NestFactory.createMicroservice(InferenceModule, {
      strategy: new RedisStreamsServer({ ...transport, consumerName: 'replica-1', blockMs: 200, visibilityTimeoutMs: 2_000 }),
      logger: testLogger(),
    });
    await inference.listen();
    gatewayApp = await NestFactory.createApplicationContext(GatewayModule.register(transport), { logger: testLogger() });
    gateway = gatewayApp.get(GatewayService);
  });

  afterAll(async () => {
    await gatewayApp?.close();
    await inference?.close();
    await deletePrefixedKeys(redis, prefix);
    await redis.quit();
  });

  it('returns the handler result with the entry context', async () => {
    const before = Date.now();
    const reply = await gateway.predict('a good day', 'bulk');
    expect(reply).toMatchObject({ label: 'positive', lane: 'bulk', deliveryCount: 1, consumer: 'replica-1' });
    expect(reply.enqueuedAt).toBeGreaterThanOrEqual(before);
    expect(reply.deadline).toBe(reply.enqueuedAt + 3_000);
    expect(reply.requestId).toEqual(expect.any(String));
  });

  it('uses the default lane and timeout for the standard two-argument send', async () => {
    const reply = await gateway.predictDefault('bad');
    expect(reply).toMatchObject({ label: 'negative', lane: 'live' });
    expect(reply.deadline).toBe(reply.enqueuedAt + 3_000);
    expect(await gateway.call<string>('predict.async', { text: 'abc' })).toBe('ABC');
  });

  it('propagates RpcException payloads as the error, unchanged', async () => {
    await expect(gateway.call('reject', {})).rejects.toEqual({ code: 'INVALID_REQUEST', message: 'texts must not be empty' });
  });

  it('maps unexpected handler errors through Nest’s RPC exception filter', async () => {
    await expect(gateway.call('crash', {})).rejects.toEqual({ status: 'error', message: 'Internal server error' });
  });

  it('answers an unknown pattern with PATTERN_NOT_FOUND and acknowledges it', async () => {
    await expect(gateway.call('no.such.pattern', {})).rejects.toMatchObject({ code: RpcReplyErrorCode.PatternNotFound });
    await waitFor(async () => (await redis.xpending(keys.lane('live'), `${SERVICE}-workers`))[0] === 0, { description: 'nothing pending' });
  });

  it('streams every value of an Observable handler, then completes', async () => {
    expect(await gateway.callAll<number>('count', 3)).toEqual([1, 2, 3]);
  });

  it('delivers emitted events to the event handler without a reply', async () => {
    await gateway.audit({ user: 'u1' });
    await waitFor(() => audited.length === 1, { description: 'event handled' });
    expect(audited).toEqual([{ user: 'u1' }]);
  });

  it('rejects an unknown lane without enqueuing anything', async () => {
    const before = await redis.xlen(keys.lane('live'));
    await expect(gateway.predict('x', 'express')).rejects.toThrow(/unknown lane "express"/);
    expect(await redis.xlen(keys.lane('live'))).toBe(before);
  });

  it('ignores late, duplicate and foreign messages on the reply channel', async () => {
    const replyChannel = keys.replyChannel(gatewayApp.get<RedisStreamsClient>(RPC).clientId);
    const first = await gateway.predict('good');
    // A duplicate of an answered request (as if computed twice), an unknown id, and noise.
    await redis.publish(replyChannel, JSON.stringify({ id: first.requestId, response: { label: 'duplicate' }, isDisposed: true }));
    await redis.publish(replyChannel, JSON.stringify({ id: 'nobody-waits', err: { code: 'X' }, isDisposed: true }));
    await redis.publish(replyChannel, 'not json');
    await expect(gateway.predict('good')).resolves.toMatchObject({ label: 'positive' });
  });

  it('gives each of two clients only its own replies', async () => {
    const channelCounts = new Map<string, number>();
    const monitor = createTestRedis();
    monitor.on('pmessage', (_pattern: string, channel: string) => channelCounts.set(channel, (channelCounts.get(channel) ?? 0) + 1));
    await monitor.psubscribe(keys.replyChannelPattern);
    const clients = [new RedisStreamsClient({ ...transport, clientId: 'gw-a' }), new RedisStreamsClient({ ...transport, clientId: 'gw-b' })];
    try {
      const calls = clients.flatMap((client, c) =>
        Array.from({ length: 20 }, (_, i) => firstValueFrom(client.send<string>('predict.async', { text: `c${c}-${i}` })).then((reply) => ({ c, i, reply }))),
      );
      for (const { c, i, reply } of await Promise.all(calls)) expect(reply).toBe(`C${c}-${i}`);
      await waitFor(() => [...channelCounts.values()].reduce((sum, n) => sum + n, 0) >= 40, { description: 'the monitor to see all replies' });
      expect(Object.fromEntries(channelCounts)).toEqual({ [keys.replyChannel('gw-a')]: 20, [keys.replyChannel('gw-b')]: 20 });
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      await monitor.quit();
    }
  });
});
