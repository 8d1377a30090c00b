import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';

export interface WindowCount {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends and the count restarts. */
  resetMs: number;
}

/**
 * Fixed window counter: the first request of a bucket opens a window of `windowMs`; INCR and the
 * expiry run in one script, so concurrent requests on any number of gateways count exactly once.
 */
const FIXED_WINDOW = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`;

/** Rate limit counters in Redis, shared by every gateway replica using the same REDIS_PREFIX. */
@Injectable()
export class RateLimitStore implements OnModuleInit, OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    // No offline queue and a short command timeout: when Redis is away a check fails at once and
    // the caller lets the request through, instead of every request waiting.
    this.redis = new Redis(config.redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 500, disconnectTimeout: 500 });
    this.redis.on('error', () => undefined);
    this.prefix = `${config.redis.prefix}:ratelimit`;
  }

  /** Waits (briefly) for the connection, so the first requests after start are counted too. */
  async onModuleInit(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async hit(bucket: string, windowMs: number): Promise<WindowCount> {
    const [count, resetMs] = (await this.redis.eval(FIXED_WINDOW, 1, `${this.prefix}:${bucket}`, windowMs)) as [number, number];
    return { count, resetMs };
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
