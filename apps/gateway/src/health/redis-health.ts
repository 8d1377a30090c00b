import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { withTimeout } from './with-timeout';

/** PING over a dedicated connection that fails fast instead of queueing while Redis is down. */
@Injectable()
export class RedisHealthIndicator implements OnApplicationShutdown {
  private readonly redis: Redis;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly indicators: HealthIndicatorService,
  ) {
    this.redis = new Redis(config.redis.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: config.health.timeoutMs, disconnectTimeout: 500 });
    this.redis.on('error', () => undefined); // state is reported by the check; ioredis reconnects by itself
  }

  async check(key = 'redis') {
    const indicator = this.indicators.check(key);
    const started = performance.now();
    try {
      if (this.redis.status === 'wait' || this.redis.status === 'end') await withTimeout(this.redis.connect(), this.config.health.timeoutMs, 'redis connect');
      await withTimeout(this.redis.ping(), this.config.health.timeoutMs, 'redis ping');
      return indicator.up({ latencyMs: Math.round(performance.now() - started) });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
