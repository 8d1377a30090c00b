import { z } from 'zod';
import { envInt, envLogFormat, envPort, envRedisPrefix, envRedisUrl, parseEnv } from '@sentiment-ops/config';

// Every variable the gateway reads; documented in apps/gateway/.env.example.
export const gatewayEnvSchema = z.object({
  PORT: envPort(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  REDIS_URL: envRedisUrl(),
  REDIS_PREFIX: envRedisPrefix(),
  INFERENCE_TIMEOUT_MS: envInt(10_000, { min: 100, max: 300_000 }),
  HEALTH_TIMEOUT_MS: envInt(2_000, { min: 50, max: 60_000 }),
  READY_CACHE_MS: envInt(2_000, { min: 0, max: 60_000 }),
  HTTP_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, { error: 'must look like 512kb or 1mb' })
    .default('1mb'),
  HEALTH_RSS_LIMIT_MB: envInt(2048, { min: 16, max: 1_048_576 }),
  HEALTH_DISK_PATH: z.string().min(1).default('/'),
  HEALTH_DISK_THRESHOLD_PERCENT: z.coerce.number({ error: 'must be a number' }).gt(0).max(1, { error: 'must be a fraction between 0 and 1' }).default(0.95),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// URL' }).default('postgres://postgres@127.0.0.1:5432/sentiment_ops'),
  MAX_EVAL_SAMPLES: envInt(20_000, { min: 1, max: 1_000_000 }),
  LOG_FORMAT: envLogFormat(),
});

export interface GatewayConfig {
  http: { port: number; host: string; bodyLimit: string };
  redis: { url: string; prefix: string };
  inference: { timeoutMs: number };
  health: { timeoutMs: number; readyCacheMs: number; rssLimitBytes: number; diskPath: string; diskThresholdPercent: number };
  databaseUrl: string;
  evaluation: { maxSamples: number };
  logFormat: 'json' | 'text';
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export const loadGatewayConfig = (environment: NodeJS.ProcessEnv): GatewayConfig => {
  const env = parseEnv('gateway', gatewayEnvSchema, environment);
  return {
    http: { port: env.PORT, host: env.HOST, bodyLimit: env.HTTP_BODY_LIMIT.toLowerCase() },
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
    inference: { timeoutMs: env.INFERENCE_TIMEOUT_MS },
    health: {
      timeoutMs: env.HEALTH_TIMEOUT_MS,
      readyCacheMs: env.READY_CACHE_MS,
      rssLimitBytes: env.HEALTH_RSS_LIMIT_MB * 1024 * 1024,
      diskPath: env.HEALTH_DISK_PATH,
      diskThresholdPercent: env.HEALTH_DISK_THRESHOLD_PERCENT,
    },
    databaseUrl: env.DATABASE_URL,
    evaluation: { maxSamples: env.MAX_EVAL_SAMPLES },
    logFormat: env.LOG_FORMAT,
  };
};
