import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { waitFor } from './wait-for';

export const repoRoot = (): string => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root (nx.json) not found');
    dir = parent;
  }
  return dir;
};

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly name: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Sends `signal` and waits for the exit; resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/**
 * Runs an app's TypeScript entry point in its own process, as `npm run start:*` would, compiled on
 * the fly by SWC (decorator metadata included), so tests need no build step.
 */
export const spawnService = (name: string, entry: string, env: Record<string, string>): ServiceProcess => {
  const root = repoRoot();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, entry)], {
    cwd: root,
    env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.base.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    name,
    output: () => output,
    stop: async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
};

export interface InferenceReplica extends ServiceProcess {
  httpPort: number;
  /** Texts this replica computed, read from its /metrics (inference_items_total). */
  computedItems(): Promise<number>;
}

/** Spawns a service and waits until its readiness probe answers 2xx; kills it and reports its output if it never does. */
const startUntilReady = async (name: string, entry: string, env: Record<string, string>, readyUrl: string, readyTimeoutMs: number): Promise<ServiceProcess> => {
  const service = spawnService(name, entry, env);
  try {
    await waitFor(
      async () => {
        if (service.child.exitCode !== null) throw new Error(`exited with ${service.child.exitCode}`);
        return (await fetch(readyUrl)).ok;
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 100, what: `${name} to be ready` },
    );
  } catch (error) {
    await service.stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- ${name} output ---\n${service.output()}`);
  }
  return service;
};

export interface WorkerProcess extends ServiceProcess {
  httpPort: number;
  metrics(): Promise<string>;
}

/** Starts an evaluation worker process and waits until it takes jobs. */
export const startEvaluationWorker = async (env: Record<string, string>, { readyTimeoutMs = 60_000 } = {}): Promise<WorkerProcess> => {
  const httpPort = await freePort();
  const workerId = env['WORKER_ID'] ?? `worker-${httpPort}`;
  const base = `http://127.0.0.1:${httpPort}`;
  const service = await startUntilReady(workerId, 'apps/evaluation-worker/src/main.ts', { WORKER_HTTP_PORT: String(httpPort), WORKER_ID: workerId, ...env }, `${base}/health/ready`, readyTimeoutMs);
  return { ...service, httpPort, metrics: async () => (await fetch(`${base}/metrics`)).text() };
};

/** Starts an inference replica and waits until /health/ready says it reads requests. */
export const startInferenceReplica = async (env: Record<string, string>, { readyTimeoutMs = 60_000 } = {}): Promise<InferenceReplica> => {
  const httpPort = await freePort();
  const replicaId = env['REPLICA_ID'] ?? `replica-${httpPort}`;
  const base = `http://127.0.0.1:${httpPort}`;
  const service = await startUntilReady(replicaId, 'apps/inference/src/main.ts', { INFERENCE_HTTP_PORT: String(httpPort), REPLICA_ID: replicaId, ...env }, `${base}/health/ready`, readyTimeoutMs);
  return {
    ...service,
    httpPort,
    computedItems: async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return text
        .split('\n')
        .filter((line) => line.startsWith('inference_items_total{'))
        .reduce((sum, line) => sum + Number(line.trim().split(/\s+/).pop()), 0);
    },
  };
};
