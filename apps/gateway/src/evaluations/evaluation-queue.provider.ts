import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { QueueName, type EvaluateDatasetJobData } from '@sentiment-ops/contracts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';

export const EVALUATION_QUEUE = Symbol('EVALUATION_QUEUE');

/**
 * The gateway only produces jobs. Its connection fails fast (no offline queue) so a request made
 * while Redis is down gets an error at once instead of waiting.
 */
export const evaluationQueueProvider: Provider = {
  provide: EVALUATION_QUEUE,
  inject: [GATEWAY_CONFIG],
  useFactory: (config: GatewayConfig) => {
    const connection = new Redis(config.redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, disconnectTimeout: 500 });
    connection.on('error', () => undefined);
    return new Queue<EvaluateDatasetJobData>(QueueName.Evaluation, { connection, prefix: `${config.redis.prefix}:bull` });
  },
};

@Injectable()
export class EvaluationQueueLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVALUATION_QUEUE) private readonly queue: Queue) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    // BullMQ leaves a connection it was given open: it is ours to close.
    (this.queue.opts.connection as Redis).disconnect();
  }
}
