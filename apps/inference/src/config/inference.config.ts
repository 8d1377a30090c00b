import { cpus, hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import {
  ConfigValidationError,
  envBoolean,
  envInt,
  envLogFormat,
  envPort,
  envRedisPrefix,
  envRedisUrl,
  parseEnv,
} from '@sentiment-ops/config';
import {
  BUILT_IN_MODEL_REGISTRY,
  DEFAULT_MODEL_NAME,
  GRAPH_OPTIMIZATION_LEVELS,
  MODEL_DTYPES,
  modelRegistrySchema,
  RUNTIME_DEFAULTS,
  type GraphOptimizationLevel,
  type ModelRegistry,
} from '@sentiment-ops/model-runtime';

// Every variable the inference service reads; documented in apps/inference/.env.example.
export const inferenceEnvSchema = z.object({
  REDIS_URL: envRedisUrl(),
  REDIS_PREFIX: envRedisPrefix(),
  INFERENCE_HTTP_PORT: envPort(8081),
  MODEL_ID: z.string().min(1).default(DEFAULT_MODEL_NAME),
  MODEL_DTYPE: z.enum(MODEL_DTYPES, { error: 'must be q8 or fp32' }).default('q8'),
  MODEL_REGISTRY: z.string().optional(),
  MODEL_REGISTRY_FILE: z.string().optional(),
  MODELS_CACHE_DIR: z.string().default('models/cache'),
  MODEL_FOLDERS: z.string().min(1).default('models'),
  HF_HUB_OFFLINE: envBoolean(false),
  HF_ENDPOINT: z.url({ error: 'must be a URL' }).optional(),
  MAX_LOADED_MODELS: envInt(2, { min: 0, max: 16 }),
  // 64, not 32: requests held by a replica include the running call, so 32 capped calls near 16 items.
  MAX_BATCH: envInt(64, { min: 1, max: 1024 }),
  MAX_BATCH_ITEMS: envInt(512, { min: 1, max: 100_000 }),
  SUB_BATCH_SIZE: envInt(RUNTIME_DEFAULTS.subBatchSize, { min: 1, max: 1024 }),
  SUB_BATCH_TOKENS: envInt(RUNTIME_DEFAULTS.subBatchTokens, { min: 16, max: 1_000_000 }),
  MODEL_MAX_LENGTH: envInt(0, { min: 0, max: 100_000 }),
  BATCH_WAIT_MS: envInt(RUNTIME_DEFAULTS.batchWaitMs, { min: 0, max: 1000 }),
  INTRA_OP_THREADS: envInt(Math.max(1, cpus().length), { min: 1, max: 256 }),
  INTER_OP_THREADS: envInt(RUNTIME_DEFAULTS.interOpThreads, { min: 1, max: 256 }),
  GRAPH_OPTIMIZATION_LEVEL: z.enum(GRAPH_OPTIMIZATION_LEVELS, { error: `must be one of ${GRAPH_OPTIMIZATION_LEVELS.join(', ')}` }).default(RUNTIME_DEFAULTS.graphOptimizationLevel),
  ORT_CPU_MEM_ARENA: envBoolean(RUNTIME_DEFAULTS.cpuMemArena),
  ORT_ALLOW_SPINNING: envBoolean(RUNTIME_DEFAULTS.allowSpinning),
  RPC_BLOCK_MS: envInt(1000, { min: 10, max: 60_000 }),
  RPC_VISIBILITY_TIMEOUT_MS: envInt(5000, { min: 100, max: 3_600_000 }),
  RPC_MAX_DELIVERIES: envInt(3, { min: 1, max: 100 }),
  SHUTDOWN_GRACE_MS: envInt(10_000, { min: 0, max: 600_000 }),
  REPLICA_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
  LOG_FORMAT: envLogFormat(),
});

export type InferenceEnv = z.infer<typeof inferenceEnvSchema>;

export interface InferenceConfig {
  redis: { url: string; prefix: string };
  http: { port: number };
  model: {
    id: string;
    dtype: (typeof MODEL_DTYPES)[number];
    registry: ModelRegistry;
    cacheDir: string;
    /** Folders a request may name as its model (registry entries and MODEL_ID are trusted as configured). */
    allowedFolders: string[];
    offline: boolean;
    hubEndpoint?: string;
    maxLoadedModels: number;
    maxLengthOverride?: number;
  };
  batching: { maxBatch: number; maxBatchItems: number; subBatchSize: number; subBatchTokens: number; batchWaitMs: number };
  onnx: { intraOpThreads: number; interOpThreads: number; graphOptimizationLevel: GraphOptimizationLevel; cpuMemArena: boolean; allowSpinning: boolean };
  rpc: { blockMs: number; visibilityTimeoutMs: number; maxDeliveries: number; shutdownGraceMs: number };
  replicaId: string;
  logFormat: 'json' | 'text';
}

export const INFERENCE_CONFIG = Symbol('INFERENCE_CONFIG');

const readRegistry = (env: InferenceEnv): ModelRegistry => {
  const raw = env.MODEL_REGISTRY_FILE ? readFileSync(resolve(env.MODEL_REGISTRY_FILE), 'utf8') : env.MODEL_REGISTRY;
  if (!raw) return BUILT_IN_MODEL_REGISTRY;
  const variable = env.MODEL_REGISTRY_FILE ? 'MODEL_REGISTRY_FILE' : 'MODEL_REGISTRY';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new ConfigValidationError('inference', [{ variable, message: `not valid JSON (${(error as Error).message})` }]);
  }
  const result = modelRegistrySchema.safeParse(parsed);
  if (!result.success) {
    const message = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigValidationError('inference', [{ variable, message }]);
  }
  return { ...BUILT_IN_MODEL_REGISTRY, ...result.data };
};

export const loadInferenceConfig = (environment: NodeJS.ProcessEnv): InferenceConfig => {
  const env = parseEnv('inference', inferenceEnvSchema, environment);
  return {
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
    http: { port: env.INFERENCE_HTTP_PORT },
    model: {
      id: env.MODEL_ID,
      dtype: env.MODEL_DTYPE,
      registry: readRegistry(env),
      cacheDir: resolve(env.MODELS_CACHE_DIR),
      allowedFolders: env.MODEL_FOLDERS.split(',')
        .map((folder) => folder.trim())
        .filter(Boolean)
        .map((folder) => resolve(folder)),
      offline: env.HF_HUB_OFFLINE,
      hubEndpoint: env.HF_ENDPOINT,
      maxLoadedModels: env.MAX_LOADED_MODELS,
      maxLengthOverride: env.MODEL_MAX_LENGTH || undefined,
    },
    batching: {
      maxBatch: env.MAX_BATCH,
      maxBatchItems: env.MAX_BATCH_ITEMS,
      subBatchSize: env.SUB_BATCH_SIZE,
      subBatchTokens: env.SUB_BATCH_TOKENS,
      batchWaitMs: env.BATCH_WAIT_MS,
    },
    onnx: {
      intraOpThreads: env.INTRA_OP_THREADS,
      interOpThreads: env.INTER_OP_THREADS,
      graphOptimizationLevel: env.GRAPH_OPTIMIZATION_LEVEL,
      cpuMemArena: env.ORT_CPU_MEM_ARENA,
      allowSpinning: env.ORT_ALLOW_SPINNING,
    },
    rpc: {
      blockMs: env.RPC_BLOCK_MS,
      visibilityTimeoutMs: env.RPC_VISIBILITY_TIMEOUT_MS,
      maxDeliveries: env.RPC_MAX_DELIVERIES,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    },
    replicaId: env.REPLICA_ID,
    logFormat: env.LOG_FORMAT,
  };
};
