import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake server saw it. */
export interface RecordedCall {
  method: string;
  /** Endpoint below /api/2.0/mlflow/, e.g. `runs/log-batch`. */
  endpoint: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  authorization: string | null;
}

interface Answer {
  status: number;
  body: unknown;
}

/**
 * A local HTTP server answering like an MLflow tracking server (experiments, runs, registry) and
 * recording every call. `failNext` queues canned answers for an endpoint, to test retries.
 */
export class FakeMlflowServer {
  readonly calls: RecordedCall[] = [];
  private readonly experiments = new Map<string, string>();
  private readonly registeredModels = new Set<string>();
  private readonly versions = new Map<string, number>();
  private readonly queued = new Map<string, Answer[]>();
  private runCount = 0;
  private server: Server | null = null;
  /** Milliseconds to wait before answering (timeouts). */
  delayMs = 0;

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('FakeMlflowServer is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  endpoints(): string[] {
    return this.calls.map((c) => c.endpoint);
  }

  addExperiment(name: string, id: string): void {
    this.experiments.set(name, id);
  }

  failNext(endpoint: string, status: number, body: unknown = { error_code: 'INTERNAL_ERROR', message: 'boom' }, times = 1): void {
    const queue = this.queued.get(endpoint) ?? [];
    for (let i = 0; i < times; i++) queue.push({ status, body });
    this.queued.set(endpoint, queue);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    server?.closeAllConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const url = new URL(req.url ?? '/', 'http://fake');
    const endpoint = url.pathname.replace(/^\/api\/2\.0\/mlflow\//, '');
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    this.calls.push({
      method: req.method ?? '',
      endpoint,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: req.headers.authorization ?? null,
    });
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (res.destroyed) return;
    const answer = this.queued.get(endpoint)?.shift() ?? this.route(req.method ?? '', endpoint, url.searchParams, body);
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  }

  private route(method: string, endpoint: string, query: URLSearchParams, body: Record<string, unknown>): Answer {
    const ok = (payload: unknown): Answer => ({ status: 200, body: payload });
    const error = (status: number, code: string, message: string): Answer => ({ status, body: { error_code: code, message } });
    const key = `${method} ${endpoint}`;
    if (key === 'GET experiments/get-by-name') {
      const name = query.get('experiment_name') ?? '';
      const id = this.experiments.get(name);
      return id
        ? ok({ experiment: { experiment_id: id, name, lifecycle_stage: 'active' } })
        : error(404, 'RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
    }
    if (key === 'POST experiments/create') {
      const name = String(body['name']);
      if (this.experiments.has(name)) return error(400, 'RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`);
      const id = String(this.experiments.size + 1);
      this.experiments.set(name, id);
      return ok({ experiment_id: id });
    }
    if (key === 'POST runs/create') {
      const runId = `run${++this.runCount}`;
      return ok({ run: { info: { run_id: runId, run_uuid: runId, experiment_id: body['experiment_id'], run_name: body['run_name'], status: 'RUNNING' } } });
    }
    if (key === 'POST runs/log-batch') return ok({});
    if (key === 'POST runs/update') return ok({ run_info: { run_id: body['run_id'], status: body['status'], end_time: body['end_time'] } });
    if (key === 'POST registered-models/create') {
      const name = String(body['name']);
      if (this.registeredModels.has(name)) return error(400, 'RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
      this.registeredModels.add(name);
      return ok({ registered_model: { name } });
    }
    if (key === 'POST model-versions/create') {
      const name = String(body['name']);
      if (!this.registeredModels.has(name)) return error(404, 'RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`);
      const version = (this.versions.get(name) ?? 0) + 1;
      this.versions.set(name, version);
      return ok({ model_version: { name, version: String(version), source: body['source'], run_id: body['run_id'], status: 'READY' } });
    }
    return error(404, 'ENDPOINT_NOT_FOUND', `No route for ${key}`);
  }
}
