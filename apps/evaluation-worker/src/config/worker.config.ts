import { resolve } from 'node:path';
import { hostname } from 'node:os';
import { z } from 'zod';
import { envBoolean, envInt, envLogFormat, envPort, envRedisPrefix, envRedisUrl, parseEnv } from '@sentiment-ops/config';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/sentiment_ops';

// Every variable the evaluation worker reads; documented in apps/evaluation-worker/.env.example.
export const workerEnvSchema = z.object({
  REDIS_URL: envRedisUrl(),
  REDIS_PREFIX: envRedisPrefix(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// URL' }).default(DEFAULT_DATABASE_URL),
  WORKER_HTTP_PORT: envPort(8082),
  DATASETS_DIR: z.string().optional(),
  DATASETS_CACHE_DIR: z.string().default('datasets/cache'),
  HF_DATASETS_ENDPOINT: z.url({ error: 'must be a URL' }).default('https://datasets-server.huggingface.co'),
  HF_HUB_OFFLINE: envBoolean(false),
  MAX_EVAL_SAMPLES: envInt(20_000, { min: 1, max: 1_000_000 }),
  EVAL_CHUNK_SIZE: envInt(64, { min: 1, max: 1000 }),
  EVAL_CONCURRENCY: envInt(1, { min: 1, max: 64 }),
  EVAL_LOCK_DURATION_MS: envInt(30_000, { min: 1_000, max: 3_600_000 }),
  EVAL_STALLED_INTERVAL_MS: envInt(30_000, { min: 1_000, max: 3_600_000 }),
  INFERENCE_TIMEOUT_MS: envInt(120_000, { min: 100, max: 3_600_000 }),
  BULK_YIELD_LIVE_DEPTH: envInt(0, { min: 0, max: 1_000_000 }),
  BULK_YIELD_MAX_WAIT_MS: envInt(60_000, { min: 0, max: 3_600_000 }),
  SHUTDOWN_GRACE_MS: envInt(30_000, { min: 0, max: 600_000 }),
  FINETUNED_MODELS_DIR: z.string().default('models/finetuned'),
  MLFLOW_TRACKING_URI: z.url({ error: 'must be a URL' }).optional(),
  MLFLOW_TRACKING_TOKEN: z.string().optional(),
  MLFLOW_EXPERIMENT_NAME: z.string().default('sentiment-ops'),
  WORKER_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
  LOG_FORMAT: envLogFormat(),
});

export interface WorkerConfig {
  redis: { url: string; prefix: string };
  databaseUrl: string;
  http: { port: number };
  datasets: { dir?: string; cacheDir: string; hubEndpoint: string; offline: boolean; maxSamples: number };
  evaluation: {
    chunkSize: number;
    concurrency: number;
    lockDurationMs: number;
    stalledIntervalMs: number;
    inferenceTimeoutMs: number;
    shutdownGraceMs: number;
    /** Before each bulk request: wait while the live lane holds more than maxLiveDepth requests, at most maxWaitMs (0: never wait). */
    bulkYield: { maxLiveDepth: number; maxWaitMs: number };
  };
  fineTune: { modelsDir: string; maxSamples: number };
  mlflow: { trackingUri?: string; token?: string; experimentName: string };
  workerId: string;
  logFormat: 'json' | 'text';
}

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

export const loadWorkerConfig = (environment: NodeJS.ProcessEnv): WorkerConfig => {
  const env = parseEnv('evaluation-worker', workerEnvSchema, environment);
  return {
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
    databaseUrl: env.DATABASE_URL,
    http: { port: env.WORKER_HTTP_PORT },
    datasets: {
      dir: env.DATASETS_DIR ? resolve(env.DATASETS_DIR) : undefined,
      cacheDir: resolve(env.DATASETS_CACHE_DIR),
      hubEndpoint: env.HF_DATASETS_ENDPOINT,
      offline: env.HF_HUB_OFFLINE,
      maxSamples: env.MAX_EVAL_SAMPLES,
    },
    evaluation: {
      chunkSize: env.EVAL_CHUNK_SIZE,
      concurrency: env.EVAL_CONCURRENCY,
      lockDurationMs: env.EVAL_LOCK_DURATION_MS,
      stalledIntervalMs: env.EVAL_STALLED_INTERVAL_MS,
      inferenceTimeoutMs: env.INFERENCE_TIMEOUT_MS,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
      bulkYield: { maxLiveDepth: env.BULK_YIELD_LIVE_DEPTH, maxWaitMs: env.BULK_YIELD_MAX_WAIT_MS },
    },
    fineTune: { modelsDir: resolve(env.FINETUNED_MODELS_DIR), maxSamples: 1_000_000 },
    mlflow: { trackingUri: env.MLFLOW_TRACKING_URI, token: env.MLFLOW_TRACKING_TOKEN, experimentName: env.MLFLOW_EXPERIMENT_NAME },
    workerId: env.WORKER_ID,
    logFormat: env.LOG_FORMAT,
  };
};
