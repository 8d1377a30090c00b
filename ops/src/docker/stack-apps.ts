// ops is test tooling: it reads the apps' own env schemas so the stack is checked against the code, not a copy.
/* eslint-disable @nx/enforce-module-boundaries */
import { loadWorkerConfig, workerEnvSchema } from '../../../apps/evaluation-worker/src/config/worker.config';
import { gatewayEnvSchema, loadGatewayConfig } from '../../../apps/gateway/src/config/gateway.config';
import { inferenceEnvSchema, loadInferenceConfig } from '../../../apps/inference/src/config/inference.config';
import type { AppDefinition } from './compose-stack';

/**
 * Our apps by Nx project name (what a Dockerfile builds with `nx build <project>`), with their own env
 * schemas and config loaders: a variable renamed or tightened in an app fails the compose checks.
 */
export const STACK_APPS: Readonly<Record<string, AppDefinition>> = {
  gateway: { envKeys: Object.keys(gatewayEnvSchema.shape), load: (env) => loadGatewayConfig(env), parse: (env) => gatewayEnvSchema.parse(env) },
  inference: { envKeys: Object.keys(inferenceEnvSchema.shape), load: (env) => loadInferenceConfig(env), parse: (env) => inferenceEnvSchema.parse(env) },
  'evaluation-worker': { envKeys: Object.keys(workerEnvSchema.shape), load: (env) => loadWorkerConfig(env), parse: (env) => workerEnvSchema.parse(env) },
};

const versionParts = (version: string): number[] => version.replace(/^v/, '').split('.').map(Number);

/**
 * Whether a Node version satisfies package.json `engines.node` (a `>=major.minor[.patch]` floor): at or above
 * the floor, and in the same major line (an image on the next major would be a different runtime, untested).
 */
export const enginesAcceptNode = (engines: string, version: string): boolean => {
  const floor = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(engines.trim())?.[1];
  if (!floor) throw new Error(`engines.node ${JSON.stringify(engines)} is not a >= floor`);
  const [wanted, actual] = [versionParts(floor), versionParts(version)];
  if (actual[0] !== wanted[0]) return false;
  for (let i = 0; i < 3; i++) if ((actual[i] ?? 0) !== (wanted[i] ?? 0)) return (actual[i] ?? 0) > (wanted[i] ?? 0);
  return true;
};
