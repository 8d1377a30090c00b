import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { MODEL_PRELOAD_CHANNEL, type ModelPreloadMessage } from '@sentiment-ops/contracts';
import { Redis } from 'ioredis';
import { INFERENCE_CONFIG, type InferenceConfig } from '../config/inference.config';
import { ModelService } from './model.service';

/**
 * Loads announced models in the background (an alias is moving to them), while the replica keeps
 * serving the current ones from its cache; requests for the new version then find it loaded.
 */
@Injectable()
export class ModelPreloader implements OnApplicationShutdown {
  private readonly logger = new Logger(ModelPreloader.name);
  private subscriber?: Redis;

  constructor(
    @Inject(INFERENCE_CONFIG) private readonly config: InferenceConfig,
    private readonly models: ModelService,
  ) {}

  async start(): Promise<void> {
    const channel = `${this.config.redis.prefix}:${MODEL_PRELOAD_CHANNEL}`;
    this.subscriber = new Redis(this.config.redis.url, { lazyConnect: true, disconnectTimeout: 500 });
    this.subscriber.on('error', () => undefined); // reconnects and resubscribes by itself
    this.subscriber.on('message', (_channel, raw: string) => void this.preload(raw));
    await this.subscriber.connect();
    await this.subscriber.subscribe(channel);
  }

  private async preload(raw: string): Promise<void> {
    let message: ModelPreloadMessage;
    try {
      message = JSON.parse(raw) as ModelPreloadMessage;
      if (typeof message.model !== 'string') throw new Error('no model');
    } catch {
      this.logger.warn(`ignoring a malformed preload message`);
      return;
    }
    const started = performance.now();
    try {
      const runtime = await this.models.get(message.model);
      this.logger.log(`preloaded ${runtime.descriptor.name} (${runtime.descriptor.version}) in ${((performance.now() - started) / 1000).toFixed(2)} s: ${message.reason}`);
    } catch (error) {
      this.logger.warn(`could not preload ${message.model}: ${(error as Error).message}`);
    }
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }
}
