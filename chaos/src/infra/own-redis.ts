import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitFor } from '@sentiment-ops/testing';

/** How the suite's Redis goes away: a clean restart keeps its data (as a production Redis with persistence would), a crash loses it. */
export type RedisStop = 'shutdown-save' | 'crash';

/**
 * A redis-server of the suite's own on a free port, so faults never touch the shared Redis.
 * No automatic snapshots and no AOF; `halt('shutdown-save')` writes one RDB into a temporary
 * folder, which `relaunch()` loads again on the same port.
 */
export class OwnRedis {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort(), mkdtempSync(join(tmpdir(), 'chaos-redis-')));
    await redis.relaunch();
    return redis;
  }

  /** Takes Redis away; resolves once the process has exited. */
  async halt(how: RedisStop): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (how === 'crash') {
      child.kill('SIGKILL');
    } else {
      const admin = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      admin.on('error', () => undefined);
      // SHUTDOWN closes the connection instead of answering.
      await admin.connect().then(() => admin.call('SHUTDOWN', 'SAVE')).catch(() => undefined);
      admin.disconnect();
    }
    await exited;
    this.child = undefined;
  }

  /** Synchronous last resort (the runner is being interrupted). */
  kill(): void {
    this.child?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.halt('crash');
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Starts Redis again on the same port (loading the snapshot a clean shutdown wrote); resolves once it answers PING. */
  async relaunch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--dbfilename', 'chaos.rdb'];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let spawnError: Error | undefined;
    child.once('error', (error) => (spawnError = error));
    await waitFor(
      async () => {
        if (spawnError) throw new Error(`cannot run redis-server (${spawnError.message}); install it, e.g. apt-get install redis-server`);
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${stderr}`);
        const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        probe.on('error', () => undefined);
        try {
          await probe.connect();
          return (await probe.ping()) === 'PONG';
        } finally {
          probe.disconnect();
        }
      },
      { timeoutMs: 10_000, intervalMs: 50, what: `redis-server on port ${this.port}` },
    );
  }
}
