import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { maxMetric, sumMetric } from './prometheus-text';
import { BenchProcess, freePort } from './services';
import { RssSampler } from './process-stats';
import { runLoad, type LoadResult } from './load';
import type { PhaseResult } from '../report';

export interface StackOptions {
  root: string;
  redisUrl: string;
  prefix: string;
  modelDir: string;
  dtype: 'q8' | 'fp32';
  replicas: number;
  threadsPerReplica: number;
  /** Extra inference environment (tuning knobs). */
  inferenceEnv?: Record<string, string>;
}

/** gateway → Redis → inference, from the production bundles in dist/ (as `npm start` runs them). */
export class BenchStack {
  private constructor(readonly gateway: BenchProcess, readonly replicas: BenchProcess[]) {}

  static async start(options: StackOptions): Promise<BenchStack> {
    const common = { REDIS_URL: options.redisUrl, REDIS_PREFIX: options.prefix, LOG_FORMAT: 'json' };
    const replicas: BenchProcess[] = [];
    try {
      for (let i = 0; i < options.replicas; i++) {
        const port = await freePort();
        replicas.push(
          await BenchProcess.start({
            name: `inference-${i + 1}`,
            cwd: options.root,
            args: [resolve(options.root, 'dist/apps/inference/main.js')],
            env: {
              ...common,
              INFERENCE_HTTP_PORT: String(port),
              REPLICA_ID: `bench-replica-${i + 1}`,
              MODEL_ID: resolve(options.modelDir),
              MODEL_DTYPE: options.dtype,
              HF_HUB_OFFLINE: '1',
              INTRA_OP_THREADS: String(options.threadsPerReplica),
              ...options.inferenceEnv,
            },
            port,
            readyPath: '/health/ready',
          }),
        );
      }
      const port = await freePort();
      const gateway = await BenchProcess.start({
        name: 'gateway',
        cwd: options.root,
        args: [resolve(options.root, 'dist/apps/gateway/main.js')],
        env: {
          ...common,
          PORT: String(port),
          HOST: '127.0.0.1',
          // The benchmark measures serving, not the abuse limits: open predict, no rate limit.
          AUTH_PUBLIC_PREDICT: 'true',
          RATE_LIMIT_PER_KEY_PER_MINUTE: '0',
          RATE_LIMIT_PER_IP_PER_MINUTE: '0',
        },
        port,
        readyPath: '/ready',
      });
      return new BenchStack(gateway, replicas);
    } catch (error) {
      await Promise.all(replicas.map((replica) => replica.stop()));
      throw error;
    }
  }

  get url(): string {
    return `${this.gateway.baseUrl}/api/v1/sentiment`;
  }

  /** One load phase, with batch sizes, RSS and event-loop lag read from the services. */
  async phase(connections: number, durationSeconds: number, bodies: readonly string[]): Promise<PhaseResult> {
    const before = await Promise.all(this.replicas.map((replica) => replica.get('/metrics')));
    await this.gateway.get('/admin/metrics'); // resets the event-loop lag histogram
    const samplers = this.replicas.map((replica) => new RssSampler(replica.pid, 250));
    const load: LoadResult = await runLoad({ url: this.url, connections, durationSeconds, bodies, warmupSeconds: 1 });
    const rss = samplers.map((sampler) => Math.max(...sampler.stop().map((sample) => sample.rssBytes)));
    const after = await Promise.all(this.replicas.map((replica) => replica.get('/metrics')));
    const gatewayMetrics = await this.gateway.get('/admin/metrics');
    const delta = (metric: string): number => after.reduce((sum, text, i) => sum + sumMetric(text, metric) - sumMetric(before[i], metric), 0);
    const calls = delta('inference_batch_size_count');
    return {
      ...load,
      meanBatchSize: calls > 0 ? delta('inference_batch_size_sum') / calls : undefined,
      serverRssBytes: rss.reduce((a, b) => a + b, 0),
      gatewayLoopLagP99: maxMetric(gatewayMetrics, 'nodejs_eventloop_lag_p99_seconds'),
      inferenceLoopLagP99: Math.max(...after.map((text) => maxMetric(text, 'nodejs_eventloop_lag_p99_seconds'))),
    };
  }

  async stop(): Promise<void> {
    await this.gateway.stop();
    await Promise.all(this.replicas.map((replica) => replica.stop()));
  }
}

/** Deletes every key of the benchmark's prefix. */
export const deletePrefix = async (redisUrl: string, prefix: string): Promise<void> => {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
};
