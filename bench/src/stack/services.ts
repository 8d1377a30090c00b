import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export { freePort } from '@sentiment-ops/testing';

/** A service process of the benchmark; keeps the tail of its output for error reports. */
export class BenchProcess {
  private tail: string[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(readonly name: string, readonly child: ChildProcess, readonly baseUrl: string) {
    const keep = (chunk: Buffer): void => {
      this.tail.push(...chunk.toString().split('\n').filter(Boolean));
      if (this.tail.length > 40) this.tail = this.tail.slice(-40);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid`);
    return this.child.pid;
  }

  /** Starts `node args…` and waits until `readyPath` answers 2xx. */
  static async start(options: { name: string; args: string[]; env: Record<string, string>; port: number; readyPath: string; readyTimeoutMs?: number; cwd: string }): Promise<BenchProcess> {
    const child = spawn(process.execPath, options.args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const service = new BenchProcess(options.name, child, `http://127.0.0.1:${options.port}`);
    const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break;
      try {
        if ((await fetch(`${service.baseUrl}${options.readyPath}`)).ok) return service;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    await service.stop('SIGKILL');
    throw new Error(`${options.name} did not become ready on ${options.readyPath}\n--- last output ---\n${service.output()}`);
  }

  output(): string {
    return this.tail.join('\n');
  }

  async get(path: string): Promise<string> {
    return (await fetch(`${this.baseUrl}${path}`)).text();
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
