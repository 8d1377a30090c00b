import { Agent, request } from 'node:http';

/** What became of one HTTP request: its status, or no answer at all (`lost`). */
export type RequestOutcome = { kind: 'answered'; status: number } | { kind: 'lost'; reason: string };

export interface RequestRecord {
  seq: number;
  /** Epoch ms when the request was sent. */
  sentAt: number;
  durationMs: number;
  outcome: RequestOutcome;
}

export interface LoadOptions {
  /** Absolute http:// URL on localhost. */
  url: string;
  /** Requests in flight at once. */
  concurrency: number;
  /** Upper bound on requests started per second, over all slots. */
  ratePerSecond: number;
  /** Upper bound on requests in all (the loop is bounded even if nobody stops it). */
  maxRequests: number;
  /** The client's own timeout: a request without an answer by then is lost. */
  clientTimeoutMs: number;
  headers: Record<string, string>;
  /** JSON body of request `seq`; each should be unique so a computation can be traced to one request. */
  body(seq: number): string;
}

const describeFailure = (error: unknown): string => {
  const { name, code, message } = error as { name?: string; code?: string; message?: string };
  if (name === 'TimeoutError' || name === 'AbortError') return 'client timeout';
  return code ?? message ?? String(error);
};

/** One POST; resolves with the status once the whole body has arrived. */
const post = (url: string, agent: Agent, headers: Record<string, string>, body: string, timeoutMs: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });

/**
 * A bounded, paced request loop against localhost: `concurrency` slots, each sending its next
 * request when the previous one ended and the pace allows. `stopSending()` sends nothing more;
 * `stop()` also waits for the requests in flight and resolves with every request's record.
 */
export class LoadDriver {
  private readonly records: RequestRecord[] = [];
  private readonly slots: Promise<void>[] = [];
  private next = 0;
  private sentCount = 0;
  private sending = true;
  private readonly startedAt = Date.now();
  // Keep-alive like a real client; closed at the end so no idle connection outlives the run.
  private readonly agent = new Agent({ keepAlive: true });

  private constructor(private readonly options: LoadOptions) {}

  static start(options: LoadOptions): LoadDriver {
    const driver = new LoadDriver(options);
    for (let slot = 0; slot < options.concurrency; slot++) driver.slots.push(driver.runSlot());
    return driver;
  }

  /** Requests sent so far. */
  get sent(): number {
    return this.sentCount;
  }

  /** Answers with this status so far (for waiting on progress mid-scenario). */
  count(predicate: (record: RequestRecord) => boolean): number {
    return this.records.filter(predicate).length;
  }

  stopSending(): void {
    this.sending = false;
  }

  async stop(): Promise<RequestRecord[]> {
    this.stopSending();
    await Promise.all(this.slots);
    this.agent.destroy();
    return [...this.records].sort((a, b) => a.seq - b.seq);
  }

  private async runSlot(): Promise<void> {
    const { ratePerSecond, maxRequests } = this.options;
    while (this.sending && this.next < maxRequests) {
      const seq = this.next++;
      // Request `seq` may not start before seq / rate seconds into the run.
      const notBefore = this.startedAt + (seq * 1000) / ratePerSecond;
      const wait = notBefore - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!this.sending) return; // `seq` is never sent
      this.records.push(await this.send(seq));
    }
  }

  private async send(seq: number): Promise<RequestRecord> {
    this.sentCount++;
    const sentAt = Date.now();
    const started = performance.now();
    let outcome: RequestOutcome;
    try {
      const { url, headers, body, clientTimeoutMs } = this.options;
      const status = await post(url, this.agent, { 'content-type': 'application/json', ...headers }, body(seq), clientTimeoutMs);
      outcome = { kind: 'answered', status };
    } catch (error) {
      outcome = { kind: 'lost', reason: describeFailure(error) };
    }
    return { seq, sentAt, durationMs: performance.now() - started, outcome };
  }
}
