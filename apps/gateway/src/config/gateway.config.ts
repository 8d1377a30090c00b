import { z } from 'zod';
import { ConfigValidationError, envBoolean, envInt, envLogFormat, envPort, envRedisPrefix, envRedisUrl, parseEnv } from '@sentiment-ops/config';
import { API_KEY_NAME_PATTERN, API_KEY_ROLES, SENTIMENT_LIMITS, type ApiKeyRole } from '@sentiment-ops/contracts';
import { PREDICTION_LOG_MAX_INSERT_ROWS } from '@sentiment-ops/persistence';
import { hashSecret } from '../auth/api-key-crypto';

/** An API key from the API_KEYS variable: its secret is hashed at boot and only the hash is kept. */
export interface EnvApiKey {
  name: string;
  role: ApiKeyRole;
  hash: Buffer;
}

const MIN_SECRET_LENGTH = 32;
const commaList = (value: string): string[] =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

interface ParsedKey {
  name: string;
  role: ApiKeyRole;
  secret: string;
}

const entryProblem = (name: string, role: string, secret: string | undefined, earlier: readonly ParsedKey[]): string | undefined => {
  if (secret === undefined) return 'must look like name:role:secret';
  if (!API_KEY_NAME_PATTERN.test(name)) return 'name must be 1-64 letters, digits, . _ or -, starting with a letter or digit';
  if (!(API_KEY_ROLES as readonly string[]).includes(role)) return `role must be one of ${API_KEY_ROLES.join(', ')}`;
  if (secret.length < MIN_SECRET_LENGTH || /\s/.test(secret)) return `secret must be at least ${MIN_SECRET_LENGTH} characters without spaces (e.g. openssl rand -base64 32)`;
  if (earlier.some((key) => key.name === name)) return 'name is used twice';
  if (earlier.some((key) => key.secret === secret)) return 'secret is used by another entry';
  return undefined;
};

/**
 * `name:role:secret,…` (the secret is everything after the second colon). Messages name an entry by
 * position and name, never by its secret, so a boot failure does not print a key into the logs.
 */
const apiKeysVariable = () =>
  z
    .string()
    .default('')
    .transform((value, ctx) => {
      const keys: ParsedKey[] = [];
      commaList(value).forEach((entry, index) => {
        const [name = '', role = '', ...rest] = entry.split(':');
        const secret = rest.length > 0 ? rest.join(':') : undefined;
        const problem = entryProblem(name, role, secret, keys);
        if (problem) ctx.addIssue({ code: 'custom', message: `entry ${index + 1}${API_KEY_NAME_PATTERN.test(name) ? ` (${name})` : ''}: ${problem}` });
        else keys.push({ name, role: role as ApiKeyRole, secret: secret as string });
      });
      return keys;
    });

/** Exact origins only (scheme, host, optional port): a pattern or `*` would let any site call with a user's key. */
const corsOriginsVariable = () =>
  z
    .string()
    .default('')
    .transform((value, ctx) => {
      const origins = commaList(value);
      for (const origin of origins) {
        let exact = false;
        try {
          // WHATWG URLs accept `*` in a host name; browsers never send one.
          exact = new URL(origin).origin === origin && !origin.includes('*');
        } catch {
          exact = false;
        }
        if (!exact) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(origin)} is not an exact origin such as https://app.example.com (no path, no trailing slash, no wildcard)` });
      }
      return origins;
    });

const { maxBatchItems } = SENTIMENT_LIMITS;

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
  API_KEYS: apiKeysVariable(),
  AUTH_PUBLIC_PREDICT: envBoolean(false),
  API_KEY_CACHE_MS: envInt(2_000, { min: 0, max: 60_000 }),
  METRICS_TOKEN: z
    .string()
    .default('')
    .refine((value) => value === '' || (value.length >= MIN_SECRET_LENGTH && !/\s/.test(value)), { error: `must be empty or at least ${MIN_SECRET_LENGTH} characters without spaces` }),
  CORS_ORIGINS: corsOriginsVariable(),
  TRUST_PROXY_HOPS: envInt(0, { min: 0, max: 10 }),
  RATE_LIMIT_PER_KEY_PER_MINUTE: envInt(600, { min: 0, max: 1_000_000 }),
  RATE_LIMIT_PER_IP_PER_MINUTE: envInt(120, { min: 0, max: 1_000_000 }),
  EVAL_MAX_CONCURRENT_PER_KEY: envInt(2, { min: 0, max: 10_000 }),
  EVAL_DAILY_PER_KEY: envInt(50, { min: 0, max: 1_000_000 }),
  // Manual schedule and drift runs waiting in the monitoring queue, all callers together.
  MONITORING_MAX_PENDING: envInt(10, { min: 0, max: 10_000 }),
  // A batch must fit into an empty queue, or it could never be admitted.
  LIVE_QUEUE_MAX_DEPTH: envInt(512, { min: 0, max: 1_000_000 }).refine((value) => value <= 0 || value >= maxBatchItems, {
    error: `must be 0 (off) or at least ${maxBatchItems}, the largest batch`,
  }),
  // Default: half of INFERENCE_TIMEOUT_MS (a request admitted then still has half its deadline to be computed).
  LIVE_QUEUE_MAX_WAIT_MS: z.coerce.number({ error: 'must be a whole number' }).int({ error: 'must be a whole number' }).min(0, { error: 'must be at least 0' }).optional(),
  PREDICTION_LOG_SAMPLE_RATE: z.coerce
    .number({ error: 'must be a number' })
    .min(0, { error: 'must be a fraction between 0 (off) and 1 (every text)' })
    .max(1, { error: 'must be a fraction between 0 (off) and 1 (every text)' })
    .default(0.1),
  PREDICTION_LOG_TEXT: envBoolean(false),
  PREDICTION_LOG_FLUSH_MS: envInt(1_000, { min: 10, max: 60_000 }),
  // One multi-row INSERT per batch: bounded by Postgres' bind-parameter limit.
  PREDICTION_LOG_BATCH_SIZE: envInt(500, { min: 1, max: PREDICTION_LOG_MAX_INSERT_ROWS }),
  PREDICTION_LOG_MAX_BUFFER: envInt(10_000, { min: 1, max: 1_000_000 }),
  PREDICTION_LOG_RETENTION_DAYS: envInt(30, { min: 0, max: 36_500 }),
  PREDICTION_LOG_MAX_ROWS: envInt(1_000_000, { min: 0, max: 1_000_000_000 }),
});

export interface GatewayConfig {
  /** trustProxyHops: reverse proxies in front of the gateway, whose X-Forwarded-For entries are believed. */
  http: { port: number; host: string; bodyLimit: string; corsOrigins: string[]; trustProxyHops: number };
  /** keyCacheMs: how long a Postgres key lookup is reused (revocation delay on other replicas). */
  auth: { envKeys: EnvApiKey[]; publicPredict: boolean; keyCacheMs: number; metricsTokenHash: Buffer | null };
  /** Requests per minute; 0 disables a limit. */
  rateLimit: { perKeyPerMinute: number; perIpPerMinute: number };
  redis: { url: string; prefix: string };
  inference: { timeoutMs: number };
  /** Live-lane admission limits (texts; estimated wait in ms); 0 disables one. */
  backpressure: { maxDepth: number; maxWaitMs: number };
  health: { timeoutMs: number; readyCacheMs: number; rssLimitBytes: number; diskPath: string; diskThresholdPercent: number };
  databaseUrl: string;
  /** Per-key quotas; 0 disables one. */
  evaluation: { maxSamples: number; maxConcurrentPerKey: number; dailyPerKey: number };
  /** maxPendingManualRuns: waiting or delayed manual monitoring jobs before new ones get 429 (0 = no limit). */
  monitoring: { maxPendingManualRuns: number };
  logFormat: 'json' | 'text';
  /** Sampled live predictions written to Postgres; retention bounds of 0 are off. */
  predictionLog: PredictionLogSettings;
}

export interface PredictionLogSettings {
  /** Fraction of texts logged, 0..1 (0 = off). */
  sampleRate: number;
  /** Store the text itself (privacy: off by default). */
  storeText: boolean;
  flushMs: number;
  batchSize: number;
  maxBuffer: number;
  retentionDays: number;
  maxRows: number;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export const loadGatewayConfig = (environment: NodeJS.ProcessEnv): GatewayConfig => {
  const env = parseEnv('gateway', gatewayEnvSchema, environment);
  if (env.LIVE_QUEUE_MAX_WAIT_MS !== undefined && env.LIVE_QUEUE_MAX_WAIT_MS >= env.INFERENCE_TIMEOUT_MS) {
    throw new ConfigValidationError('gateway', [{ variable: 'LIVE_QUEUE_MAX_WAIT_MS', message: `must be below INFERENCE_TIMEOUT_MS (${env.INFERENCE_TIMEOUT_MS}); 0 turns the limit off` }]);
  }
  return {
    http: { port: env.PORT, host: env.HOST, bodyLimit: env.HTTP_BODY_LIMIT.toLowerCase(), corsOrigins: env.CORS_ORIGINS, trustProxyHops: env.TRUST_PROXY_HOPS },
    auth: {
      envKeys: env.API_KEYS.map(({ name, role, secret }) => ({ name, role, hash: hashSecret(secret) })),
      publicPredict: env.AUTH_PUBLIC_PREDICT,
      keyCacheMs: env.API_KEY_CACHE_MS,
      metricsTokenHash: env.METRICS_TOKEN ? hashSecret(env.METRICS_TOKEN) : null,
    },
    rateLimit: { perKeyPerMinute: env.RATE_LIMIT_PER_KEY_PER_MINUTE, perIpPerMinute: env.RATE_LIMIT_PER_IP_PER_MINUTE },
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
    inference: { timeoutMs: env.INFERENCE_TIMEOUT_MS },
    backpressure: { maxDepth: env.LIVE_QUEUE_MAX_DEPTH, maxWaitMs: env.LIVE_QUEUE_MAX_WAIT_MS ?? Math.floor(env.INFERENCE_TIMEOUT_MS / 2) },
    health: {
      timeoutMs: env.HEALTH_TIMEOUT_MS,
      readyCacheMs: env.READY_CACHE_MS,
      rssLimitBytes: env.HEALTH_RSS_LIMIT_MB * 1024 * 1024,
      diskPath: env.HEALTH_DISK_PATH,
      diskThresholdPercent: env.HEALTH_DISK_THRESHOLD_PERCENT,
    },
    databaseUrl: env.DATABASE_URL,
    evaluation: { maxSamples: env.MAX_EVAL_SAMPLES, maxConcurrentPerKey: env.EVAL_MAX_CONCURRENT_PER_KEY, dailyPerKey: env.EVAL_DAILY_PER_KEY },
    monitoring: { maxPendingManualRuns: env.MONITORING_MAX_PENDING },
    logFormat: env.LOG_FORMAT,
    predictionLog: {
      sampleRate: env.PREDICTION_LOG_SAMPLE_RATE,
      storeText: env.PREDICTION_LOG_TEXT,
      flushMs: env.PREDICTION_LOG_FLUSH_MS,
      batchSize: env.PREDICTION_LOG_BATCH_SIZE,
      maxBuffer: env.PREDICTION_LOG_MAX_BUFFER,
      retentionDays: env.PREDICTION_LOG_RETENTION_DAYS,
      maxRows: env.PREDICTION_LOG_MAX_ROWS,
    },
  };
};
