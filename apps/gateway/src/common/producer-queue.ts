import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { GatewayConfig } from '../config/gateway.config';

/**
 * A BullMQ queue the gateway only adds jobs to. Its connection fails fast (no offline queue) so a
 * request made while Redis is down gets an error at once instead of waiting.
 */
export const producerQueue = <Data>(config: GatewayConfig, name: string): Queue<Data> => {
  const connection = new Redis(config.redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, disconnectTimeout: 500 });
  connection.on('error', () => undefined);
  return new Queue<Data>(name, { connection, prefix: `${config.redis.prefix}:bull` });
};

/** Closes the queue and the connection it was given: BullMQ leaves a given connection open. */
export const closeProducerQueue = async (queue: Queue): Promise<void> => {
  await queue.close().catch(() => undefined);
  (queue.opts.connection as Redis).disconnect();
};
