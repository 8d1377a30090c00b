import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSplit {
  dataset: string;
  config: string;
  split: string;
  rows: ReadonlyArray<Record<string, unknown>>;
}

export type Fault = { status: number; retryAfter?: string; error?: string } | { hang: true };

export interface LoggedRequest {
  path: string;
  params: Record<string, string>;
  at: number;
}

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/**
 * A local stand-in for datasets-server.huggingface.co: /splits, /size and /rows with the public
 * response shapes, plus one-shot faults (status codes, hangs) injected per request.
 */
export class FakeDatasetsServer {
  readonly requests: LoggedRequest[] = [];
  private readonly faults: Array<{ when: (r: LoggedRequest) => boolean; fault: Fault }> = [];
  private server: Server | undefined;

  constructor(private readonly splits: ReadonlyArray<FakeSplit>) {}

  /** The next request matching `when` gets `fault` instead of its answer (once). */
  failOnce(when: (request: LoggedRequest) => boolean, fault: Fault): this {
    this.faults.push({ when, fault });
    return this;
  }

  count(path?: string): number {
    return this.requests.filter((r) => path === undefined || r.path === path).length;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((done) => this.server?.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: LoggedRequest = { path: url.pathname, params: Object.fromEntries(url.searchParams), at: Date.now() };
    this.requests.push(request);
    const faultAt = this.faults.findIndex((f) => f.when(request));
    if (faultAt >= 0) {
      const [{ fault }] = this.faults.splice(faultAt, 1);
      if ('hang' in fault) return; // never answer: the client's timeout must fire
      return send(res, fault.status, { error: fault.error ?? `injected ${fault.status}` }, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
    }
    const { dataset, config, split } = request.params;
    const ofDataset = this.splits.filter((s) => s.dataset === dataset);
    if (ofDataset.length === 0) return send(res, 404, { error: 'The dataset does not exist, or is not accessible without authentication (private or gated).' });
    if (url.pathname === '/splits') {
      return send(res, 200, { splits: ofDataset.map((s) => ({ dataset, config: s.config, split: s.split })), pending: [], failed: [] });
    }
    const ofConfig = ofDataset.filter((s) => s.config === config);
    if (url.pathname === '/size') {
      const splits = ofConfig.map((s) => ({ dataset, config, split: s.split, num_bytes_parquet_files: 1, num_bytes_memory: 1, num_rows: s.rows.length, num_columns: 2 }));
      const numRows = splits.reduce((sum, s) => sum + s.num_rows, 0);
      return send(res, 200, { size: { config: { dataset, config, num_rows: numRows, num_columns: 2 }, splits }, partial: false });
    }
    const target = ofConfig.find((s) => s.split === split);
    if (url.pathname !== '/rows' || !target) return send(res, 404, { error: 'Not found.' });
    const offset = Number(request.params['offset'] ?? 0);
    const length = Number(request.params['length'] ?? 100);
    if (length > 100) return send(res, 422, { error: 'Parameter "length" must be at most 100' });
    const rows = target.rows.slice(offset, offset + length).map((row, i) => ({ row_idx: offset + i, row, truncated_cells: [] }));
    return send(res, 200, {
      features: [{ feature_idx: 0, name: 'text', type: { dtype: 'string', _type: 'Value' } }],
      rows,
      num_rows_total: target.rows.length,
      num_rows_per_page: 100,
      partial: false,
    });
  }
}
