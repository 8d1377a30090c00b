import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { MODEL_PRELOAD_CHANNEL, type ModelPreloadMessage } from '@sentiment-ops/contracts';
import { Redis } from 'ioredis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';

/** Tells every inference replica to load a model now (an alias is moving to it). Best effort. */
@Injectable()
export class ModelPreloadPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(ModelPreloadPublisher.name);
  private readonly redis: Redis;
  private readonly channel: string;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.redis = new Redis(config.redis.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, disconnectTimeout: 500 });
    this.redis.on('error', () => undefined);
    this.channel = `${config.redis.prefix}:${MODEL_PRELOAD_CHANNEL}`;
  }

  /** Returns how many replicas heard it (0 when Redis is down: they will load on first use instead). */
  async announce(message: ModelPreloadMessage): Promise<number> {
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      return await this.redis.publish(this.channel, JSON.stringify(message));
    } catch (error) {
      this.logger.warn(`could not announce ${message.model} to the replicas: ${(error as Error).message}`);
      return 0;
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
