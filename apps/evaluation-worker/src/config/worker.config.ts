import { resolve } from 'node:path';
import { hostname } from 'node:os';
import { z } from 'zod';
import { envBoolean, envInt, envLogFormat, envNumber, envPort, envRedisPrefix, envRedisUrl, parseEnv } from '@sentiment-ops/config';
import { CRON_FIELDS, isIanaTimeZone } from '@sentiment-ops/contracts';
import { getDataset, isDatasetError } from '@sentiment-ops/datasets';

/** `name:split`, e.g. `tweet_eval:test`; the dataset must be in the registry and have that split. */
export interface DatasetSplit {
  dataset: string;
  split: string;
}

const parseDatasetSplit = (entry: string): DatasetSplit | string => {
  const at = entry.lastIndexOf(':');
  if (at <= 0 || at === entry.length - 1) return `"${entry}" is not name:split`;
  try {
    const definition = getDataset(entry.slice(0, at));
    const split = entry.slice(at + 1);
    if (!definition.splits.includes(split)) return `${definition.name} has no split "${split}" (valid: ${definition.splits.join(', ')})`;
    return { dataset: definition.name, split };
  } catch (error) {
    if (isDatasetError(error)) return (error as Error).message;
    throw error;
  }
};

/** A comma-separated list of name:split (empty allowed when `allowEmpty`). */
const envDatasetSplits = (defaultValue: string, { allowEmpty }: { allowEmpty: boolean }) =>
  z
    .string()
    .default(defaultValue)
    .transform((value, context) => {
      const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
      if (entries.length === 0 && !allowEmpty) context.addIssue({ code: 'custom', message: 'needs at least one name:split' });
      const parsed = entries.map(parseDatasetSplit);
      for (const problem of parsed.filter((entry): entry is string => typeof entry === 'string')) context.addIssue({ code: 'custom', message: problem });
      return parsed.filter((entry): entry is DatasetSplit => typeof entry !== 'string');
    });

const optionalText = () =>
  z
    .string()
    .optional()
    .transform((value) => (value && value.trim() ? value.trim() : null));

const cronPattern = (defaultValue: string) =>
  z
    .string()
    .default(defaultValue)
    .refine((value) => CRON_FIELDS.test(value.trim()), { error: 'must be a cron pattern of 5 or 6 fields' });

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
  // Built-in schedules (BullMQ job schedulers, registered at start; operators pause and re-pattern them through the API).
  SCHEDULES_ENABLED: envBoolean(true),
  SCHEDULE_TIMEZONE: z.string().default('UTC').refine(isIanaTimeZone, { error: 'must be an IANA time zone such as UTC or Europe/Rome' }),
  MODEL_EVALUATION_CRON: cronPattern('0 * * * *'),
  DRIFT_MONITORING_CRON: cronPattern('0 */12 * * *'),
  MODEL_EVALUATION_PRODUCTION_MODEL: optionalText(),
  MODEL_EVALUATION_CANDIDATE_MODEL: optionalText(),
  MODEL_EVALUATION_PRODUCTION_DATASETS: envDatasetSplits('tweet_eval:test', { allowEmpty: false }),
  MODEL_EVALUATION_CANDIDATE_DATASETS: envDatasetSplits('tweet_eval:test,mteb/amazon_reviews_multi:test', { allowEmpty: true }),
  MODEL_EVALUATION_SAMPLES: envInt(500, { min: 1, max: 1_000_000 }),
  MODEL_EVALUATION_SEED: envInt(42, { min: 0, max: 2 ** 31 - 1 }),
  DRIFT_REFERENCE_DAYS: envNumber(7, { min: 0.01, max: 90 }),
  DRIFT_CURRENT_HOURS: envNumber(12, { min: 0.01, max: 24 * 90 }),
  DRIFT_MODEL: optionalText(),
  DRIFT_REFERENCE_DATASET: envDatasetSplits('', { allowEmpty: true }).refine((value) => value.length <= 1, { error: 'takes one name:split' }),
  DRIFT_REFERENCE_SAMPLES: envInt(1000, { min: 30, max: 20_000 }),
  DRIFT_MAX_WINDOW_ROWS: envInt(50_000, { min: 100, max: 1_000_000 }),
  DRIFT_MIN_ROWS: envInt(30, { min: 2, max: 100_000 }),
  DRIFT_P_VALUE: envNumber(0.05, { min: 0.0001, max: 0.5 }),
  DRIFT_DISTANCE_THRESHOLD: envNumber(0.1, { min: 0.001, max: 1 }),
  DRIFT_DATASET_SHARE: envNumber(0.5, { min: 0.01, max: 1 }),
  DRIFT_ACCURACY_DROP: envNumber(0.1, { min: 0, max: 1 }),
  DRIFT_F1_DROP: envNumber(0.08, { min: 0, max: 1 }),
  DRIFT_CONFIDENCE_SHIFT: envNumber(0.15, { min: 0, max: 1 }),
  DRIFT_ESTIMATED_ACCURACY_DROP: envNumber(0.1, { min: 0, max: 1 }),
  DRIFT_CALIBRATION_DATASET: envDatasetSplits('tweet_eval:validation', { allowEmpty: true }).refine((value) => value.length <= 1, { error: 'takes one name:split' }),
  DRIFT_CALIBRATION_SAMPLES: envInt(1000, { min: 30, max: 20_000 }),
  // Alerts: optional JSON webhook, retried with exponential backoff.
  ALERT_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  ALERT_WEBHOOK_TIMEOUT_MS: envInt(5_000, { min: 100, max: 120_000 }),
  ALERT_WEBHOOK_ATTEMPTS: envInt(4, { min: 1, max: 20 }),
  ALERT_WEBHOOK_BACKOFF_MS: envInt(1_000, { min: 0, max: 600_000 }),
  PUBLIC_BASE_URL: z.url({ error: 'must be a URL' }).optional(),
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
  schedules: { enabled: boolean; timezone: string; modelEvaluation: string; driftMonitoring: string };
  modelEvaluation: {
    productionModel: string | null;
    candidateModel: string | null;
    productionDatasets: DatasetSplit[];
    candidateDatasets: DatasetSplit[];
    samples: number;
    seed: number;
  };
  drift: {
    referenceDays: number;
    currentHours: number;
    model: string | null;
    /** Set: the reference is the model's predictions on this labelled dataset instead of the log's previous days. */
    referenceDataset: DatasetSplit | null;
    referenceSamples: number;
    maxWindowRows: number;
    minRows: number;
    pValue: number;
    distanceThreshold: number;
    datasetShare: number;
    accuracyDrop: number;
    f1Drop: number;
    confidenceShift: number;
    estimatedAccuracyDrop: number;
    calibrationDataset: DatasetSplit | null;
    calibrationSamples: number;
  };
  alerts: { webhookUrl?: string; timeoutMs: number; attempts: number; backoffMs: number };
  /** Public gateway URL, for links in reports and webhook bodies. */
  publicBaseUrl?: string;
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
    schedules: { enabled: env.SCHEDULES_ENABLED, timezone: env.SCHEDULE_TIMEZONE, modelEvaluation: env.MODEL_EVALUATION_CRON.trim(), driftMonitoring: env.DRIFT_MONITORING_CRON.trim() },
    modelEvaluation: {
      productionModel: env.MODEL_EVALUATION_PRODUCTION_MODEL,
      candidateModel: env.MODEL_EVALUATION_CANDIDATE_MODEL,
      productionDatasets: env.MODEL_EVALUATION_PRODUCTION_DATASETS,
      candidateDatasets: env.MODEL_EVALUATION_CANDIDATE_DATASETS,
      samples: env.MODEL_EVALUATION_SAMPLES,
      seed: env.MODEL_EVALUATION_SEED,
    },
    drift: {
      referenceDays: env.DRIFT_REFERENCE_DAYS,
      currentHours: env.DRIFT_CURRENT_HOURS,
      model: env.DRIFT_MODEL,
      referenceDataset: env.DRIFT_REFERENCE_DATASET[0] ?? null,
      referenceSamples: env.DRIFT_REFERENCE_SAMPLES,
      maxWindowRows: env.DRIFT_MAX_WINDOW_ROWS,
      minRows: env.DRIFT_MIN_ROWS,
      pValue: env.DRIFT_P_VALUE,
      distanceThreshold: env.DRIFT_DISTANCE_THRESHOLD,
      datasetShare: env.DRIFT_DATASET_SHARE,
      accuracyDrop: env.DRIFT_ACCURACY_DROP,
      f1Drop: env.DRIFT_F1_DROP,
      confidenceShift: env.DRIFT_CONFIDENCE_SHIFT,
      estimatedAccuracyDrop: env.DRIFT_ESTIMATED_ACCURACY_DROP,
      calibrationDataset: env.DRIFT_CALIBRATION_DATASET[0] ?? null,
      calibrationSamples: env.DRIFT_CALIBRATION_SAMPLES,
    },
    alerts: { webhookUrl: env.ALERT_WEBHOOK_URL, timeoutMs: env.ALERT_WEBHOOK_TIMEOUT_MS, attempts: env.ALERT_WEBHOOK_ATTEMPTS, backoffMs: env.ALERT_WEBHOOK_BACKOFF_MS },
    publicBaseUrl: env.PUBLIC_BASE_URL,
    workerId: env.WORKER_ID,
    logFormat: env.LOG_FORMAT,
  };
};
