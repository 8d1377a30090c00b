import 'reflect-metadata';
import { PATH_METADATA } from '@nestjs/common/constants';
import { INFERENCE_LANES, INFERENCE_SERVICE } from '@sentiment-ops/contracts';
import { streamKeys } from '@sentiment-ops/redis-rpc';
/* eslint-disable @nx/enforce-module-boundaries -- test-only helper of the ops checks (imported by specs only):
   the manifests are checked against the apps' own env schemas and routes, not copies of them. */
import { HealthController as WorkerHealthController } from '../../apps/evaluation-worker/src/health/health.controller';
import { MetricsController as WorkerMetricsController } from '../../apps/evaluation-worker/src/metrics/metrics.controller';
import { loadWorkerConfig, workerEnvSchema } from '../../apps/evaluation-worker/src/config/worker.config';
import { HealthController as GatewayHealthController } from '../../apps/gateway/src/health/health.controller';
import { MetricsController as GatewayMetricsController } from '../../apps/gateway/src/metrics/metrics.controller';
import { gatewayEnvSchema, loadGatewayConfig } from '../../apps/gateway/src/config/gateway.config';
import { HealthController as InferenceHealthController } from '../../apps/inference/src/health/health.controller';
import { MetricsController as InferenceMetricsController } from '../../apps/inference/src/metrics/metrics.controller';
import { inferenceEnvSchema, loadInferenceConfig } from '../../apps/inference/src/config/inference.config';
/* eslint-enable @nx/enforce-module-boundaries */
import type { AppContract } from './manifest-checks';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type ControllerClass = Function;

/** The GET paths a Nest controller serves, read from its route decorators (so a renamed route fails the checks). */
export const controllerPaths = (controller: ControllerClass): string[] => {
  const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype)
    .filter((member) => member !== 'constructor' && typeof prototype[member] === 'function')
    .map((member) => Reflect.getMetadata(PATH_METADATA, prototype[member] as object) as string | undefined)
    .filter((path): path is string => path !== undefined)
    .map((path) => `/${[base, path].filter((part) => part !== '' && part !== '/').join('/')}`.replace(/\/+/g, '/'));
};

const onlyPath = (controller: ControllerClass, suffix: string): string => {
  const path = controllerPaths(controller).find((candidate) => candidate.endsWith(suffix));
  if (!path) throw new Error(`${controller.name} serves no ${suffix}`);
  return path;
};

/** What deploy/ must agree with, per app, from the apps' own env schemas and controllers. */
export const APP_CONTRACTS: readonly AppContract[] = [
  {
    name: 'gateway',
    envNames: Object.keys(gatewayEnvSchema.shape),
    loadConfig: (env) => loadGatewayConfig(env),
    parseEnv: (env) => gatewayEnvSchema.parse(env),
    probePaths: controllerPaths(GatewayHealthController),
    metricsPath: onlyPath(GatewayMetricsController, '/metrics'),
    portVariable: 'PORT',
    writablePathVariables: [],
  },
  {
    name: 'inference',
    envNames: Object.keys(inferenceEnvSchema.shape),
    loadConfig: (env) => loadInferenceConfig(env),
    parseEnv: (env) => inferenceEnvSchema.parse(env),
    probePaths: controllerPaths(InferenceHealthController),
    metricsPath: onlyPath(InferenceMetricsController, '/metrics'),
    portVariable: 'INFERENCE_HTTP_PORT',
    writablePathVariables: ['MODELS_CACHE_DIR'],
    scalerStreams: (prefix) => Object.values(streamKeys(prefix, INFERENCE_SERVICE, INFERENCE_LANES).lanes),
  },
  {
    name: 'evaluation-worker',
    envNames: Object.keys(workerEnvSchema.shape),
    loadConfig: (env) => loadWorkerConfig(env),
    parseEnv: (env) => workerEnvSchema.parse(env),
    probePaths: controllerPaths(WorkerHealthController),
    metricsPath: onlyPath(WorkerMetricsController, '/metrics'),
    portVariable: 'WORKER_HTTP_PORT',
    writablePathVariables: ['DATASETS_CACHE_DIR', 'FINETUNED_MODELS_DIR'],
  },
];
