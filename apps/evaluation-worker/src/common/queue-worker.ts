import { type Processor, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { WorkerConfig } from '../config/worker.config';

/** A BullMQ worker and the Redis connection it was given (BullMQ never closes a connection it was given). */
export interface QueueWorker<T> {
  worker: Worker<T>;
  connection: Redis;
}

/**
 * A BullMQ worker on the worker's Redis and prefix, with the configured lock and stall settings
 * (one stall tolerated), shared by the evaluation and monitoring processors.
 */
export const createQueueWorker = <T>(config: WorkerConfig, queueName: string, process: Processor<T>, options: { concurrency: number; name: string }): QueueWorker<T> => {
  const { redis, evaluation } = config;
  // BullMQ workers block on Redis and must retry forever (maxRetriesPerRequest: null).
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const worker = new Worker<T>(queueName, process, {
    connection,
    prefix: `${redis.prefix}:bull`,
    concurrency: options.concurrency,
    lockDuration: evaluation.lockDurationMs,
    stalledInterval: evaluation.stalledIntervalMs,
    maxStalledCount: 1,
    name: options.name,
  });
  return { worker, connection };
};

/**
 * Lets active jobs finish for `graceMs`; past that, closes without waiting and leaves them to
 * stalled-job recovery by another worker. Says which of the two happened.
 */
export const closeWithinGrace = async (worker: Worker, graceMs: number): Promise<'closed' | 'timeout'> => {
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
  const outcome = await Promise.race([worker.close().then(() => 'closed' as const), graceOver]);
  clearTimeout(timer);
  if (outcome === 'timeout') await worker.close(true);
  return outcome;
};
