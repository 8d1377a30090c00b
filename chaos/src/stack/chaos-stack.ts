import { Client } from 'pg';
import { createTestDatabase, startEvaluationWorker, startInferenceReplica, TEST_POSTGRES_URL, uniquePrefix, type ServiceProcess, type TestDatabase } from '@sentiment-ops/testing';
import { OwnRedis } from '../infra/own-redis';
import { TcpProxy } from '../infra/tcp-proxy';
import { LoadDriver, type LoadOptions } from '../load/load-driver';
import { ReplyLedger } from '../load/reply-ledger';
import { CHAOS_API_KEYS, CHAOS_KEYS, startGatewayProcess, type GatewayProcess } from './services';

export interface SharedFixtures {
  /** Folder of the tiny fixture model. */
  model: string;
  /** DATASETS_DIR with the suite's own test split. */
  datasetsDir: string;
}

export interface StackSpec {
  label: string;
  replicas: number;
  workers: number;
  gatewayEnv?: Record<string, string>;
  replicaEnv?: Record<string, string>;
  workerEnv?: Record<string, string>;
}

export type Role = 'gateway' | 'inference' | 'worker';

export interface TrackedProcess {
  role: Role;
  service: ServiceProcess;
  /** Probes and /metrics (replicas and workers). */
  httpPort?: number;
  /** Set when the suite itself killed or stopped the process. */
  endedBySuite: boolean;
}

/** How a process ended when the suite stopped it. */
export interface ProcessExit {
  name: string;
  role: Role;
  signal: NodeJS.Signals;
  code: number | null;
  ms: number;
}

/**
 * One scenario's world: its own redis-server, its own database reached through a TCP proxy, a
 * gateway, inference replicas and evaluation workers as real processes, and the reply ledger.
 */
export class ChaosStack {
  private static readonly live = new Set<ChaosStack>();
  readonly processes: TrackedProcess[] = [];
  private replicaCount = 0;
  private workerCount = 0;
  private gatewayProcess: GatewayProcess | undefined;

  private constructor(
    readonly spec: StackSpec,
    readonly fixtures: SharedFixtures,
    readonly redis: OwnRedis,
    readonly database: TestDatabase,
    readonly postgresProxy: TcpProxy,
    readonly prefix: string,
    readonly ledger: ReplyLedger,
  ) {}

  static async start(spec: StackSpec, fixtures: SharedFixtures): Promise<ChaosStack> {
    const redis = await OwnRedis.start();
    const database = await createTestDatabase(`chaos_${spec.label}`);
    const admin = new URL(TEST_POSTGRES_URL);
    const postgresProxy = await TcpProxy.start({ host: admin.hostname, port: Number(admin.port || 5432) });
    const prefix = uniquePrefix(`chaos-${spec.label}`);
    const ledger = await ReplyLedger.start(redis.url, prefix);
    const stack = new ChaosStack(spec, fixtures, redis, database, postgresProxy, prefix, ledger);
    ChaosStack.live.add(stack);
    try {
      await Promise.all([...Array.from({ length: spec.replicas }, () => stack.addReplica()), ...Array.from({ length: spec.workers }, () => stack.addWorker())]);
      await stack.startGateway();
    } catch (error) {
      await stack.stop().catch(() => undefined);
      throw error;
    }
    return stack;
  }

  /** When the runner itself is interrupted: no process it started may outlive it; databases are dropped if that is quick. */
  static async killEverything(): Promise<void> {
    const stacks = [...ChaosStack.live];
    for (const stack of stacks) {
      for (const { service } of stack.processes) service.child.kill('SIGKILL');
      stack.redis.kill();
    }
    const drops = Promise.all(stacks.map((stack) => stack.database.drop().catch(() => undefined)));
    await Promise.race([drops, new Promise((resolve) => setTimeout(resolve, 3_000))]);
  }

  /** Services reach Postgres only through the proxy. */
  get databaseUrl(): string {
    const url = new URL(this.database.url);
    url.host = `127.0.0.1:${this.postgresProxy.port}`;
    return url.toString();
  }

  get gateway(): GatewayProcess {
    if (!this.gatewayProcess) throw new Error('no gateway running');
    return this.gatewayProcess;
  }

  /** Running processes of one role, oldest first. */
  running(role: Role): TrackedProcess[] {
    return this.processes.filter((p) => p.role === role && !p.endedBySuite && p.service.child.exitCode === null && p.service.child.signalCode === null);
  }

  /** Processes that ended although nobody asked them to (a crash). */
  crashed(): TrackedProcess[] {
    return this.processes.filter((p) => !p.endedBySuite && (p.service.child.exitCode !== null || p.service.child.signalCode !== null));
  }

  async addReplica(): Promise<TrackedProcess> {
    const id = `replica-${++this.replicaCount}`;
    const service = await startInferenceReplica({
      REDIS_URL: this.redis.url,
      REDIS_PREFIX: this.prefix,
      MODEL_ID: this.fixtures.model,
      HF_HUB_OFFLINE: '1',
      INTRA_OP_THREADS: '1',
      REPLICA_ID: id,
      ...this.spec.replicaEnv,
    });
    const tracked: TrackedProcess = { role: 'inference', service, httpPort: service.httpPort, endedBySuite: false };
    this.processes.push(tracked);
    return tracked;
  }

  async addWorker(): Promise<TrackedProcess> {
    const id = `worker-${++this.workerCount}`;
    const service = await startEvaluationWorker({
      REDIS_URL: this.redis.url,
      REDIS_PREFIX: this.prefix,
      DATABASE_URL: this.databaseUrl,
      DATASETS_DIR: this.fixtures.datasetsDir,
      HF_HUB_OFFLINE: '1',
      WORKER_ID: id,
      ...this.spec.workerEnv,
    });
    const tracked: TrackedProcess = { role: 'worker', service, httpPort: service.httpPort, endedBySuite: false };
    this.processes.push(tracked);
    return tracked;
  }

  private async startGateway(): Promise<void> {
    const gateway = await startGatewayProcess({
      REDIS_URL: this.redis.url,
      REDIS_PREFIX: this.prefix,
      DATABASE_URL: this.databaseUrl,
      API_KEYS: CHAOS_API_KEYS,
      // The suite measures faults, not abuse limits: those have their own specs.
      RATE_LIMIT_PER_KEY_PER_MINUTE: '0',
      RATE_LIMIT_PER_IP_PER_MINUTE: '0',
      EVAL_MAX_CONCURRENT_PER_KEY: '0',
      EVAL_DAILY_PER_KEY: '0',
      ...this.spec.gatewayEnv,
    });
    this.gatewayProcess = gateway;
    this.processes.push({ role: 'gateway', service: gateway, endedBySuite: false });
  }

  /** Sends `signal` to one process and waits for its exit (SIGKILL after `timeoutMs`). */
  async signal(target: TrackedProcess, signal: NodeJS.Signals, timeoutMs = 30_000): Promise<ProcessExit> {
    target.endedBySuite = true;
    const started = Date.now();
    const code = await target.service.stop(signal, timeoutMs);
    return { name: target.service.name, role: target.role, signal, code, ms: Date.now() - started };
  }

  /** The Prometheus text of a replica's or worker's /metrics. */
  async metrics(target: TrackedProcess): Promise<string> {
    if (target.httpPort === undefined) throw new Error(`${target.service.name} has no metrics port`);
    return (await fetch(`http://127.0.0.1:${target.httpPort}/metrics`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(5_000) })).text();
  }

  /** Predictions at a steady pace, one unique text per request. */
  load(label: string, options: Partial<Omit<LoadOptions, 'url' | 'headers' | 'body'>> = {}): LoadDriver {
    const run = Math.random().toString(36).slice(2, 8);
    return LoadDriver.start({
      url: `${this.gateway.url}/api/v1/sentiment`,
      concurrency: 8,
      ratePerSecond: 150,
      maxRequests: 20_000,
      clientTimeoutMs: 20_000,
      ...options,
      headers: { 'X-API-Key': CHAOS_KEYS.predict },
      body: (seq) => JSON.stringify({ text: `chaos ${label} ${run} request ${seq}` }),
    });
  }

  /** GET or POST on the gateway with the operator key. */
  async call(method: 'GET' | 'POST', path: string, timeoutMs = 20_000): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
    const started = performance.now();
    const response = await fetch(`${this.gateway.url}${path}`, { method, headers: { 'X-API-Key': CHAOS_KEYS.operator, connection: 'close' }, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { text };
    }
    return { status: response.status, body, ms: performance.now() - started };
  }

  /** Runs SQL on the scenario's database directly (not through the proxy). */
  async sql<T extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.database.url });
    await client.connect();
    try {
      return (await client.query<T>(text, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** Replies the ledger saw for the RPC clients of one process (e.g. a worker's bulk requests). */
  repliesTo(target: TrackedProcess): { requests: number; items: number } {
    return this.ledger.callersIn(target.service.child.pid ?? -1);
  }

  /**
   * SIGTERMs every process still running (each must exit 0), then removes the scenario's Redis,
   * proxy and database. Returns how each process ended.
   */
  async stop(): Promise<ProcessExit[]> {
    ChaosStack.live.delete(this);
    const exits: ProcessExit[] = [];
    // The gateway first (no new work), then workers, then replicas (they answer what is left).
    for (const role of ['gateway', 'worker', 'inference'] as const) {
      exits.push(...(await Promise.all(this.running(role).map((p) => this.signal(p, 'SIGTERM')))));
    }
    await this.ledger.stop();
    await this.postgresProxy.stop();
    await this.database.drop().catch(() => undefined);
    await this.redis.stop();
    return exits;
  }
}
