import { randomBytes } from 'node:crypto';
import { createServer, type Server as NetServer, type Socket, connect } from 'node:net';
import { Redis } from 'ioredis';
import { streamKeys } from '../stream-keys';

/** Real Redis for integration tests; shared with others, so every suite works under its own prefix. */
export const TEST_REDIS_URL = process.env['REDIS_RPC_TEST_URL'] ?? 'redis://127.0.0.1:6379';

export const uniqueTestPrefix = (suite: string): string => `test:rpc:${suite}:${randomBytes(4).toString('hex')}`;

export const createTestRedis = (url: string = TEST_REDIS_URL): Redis => new Redis(url, { maxRetriesPerRequest: 1 });

/** Deletes every key under `${prefix}:` (SCAN, never KEYS). */
export const deletePrefixedKeys = async (redis: Redis, prefix: string): Promise<number> => {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
};

/** Polls until `probe` returns a truthy value; fails with `description` after `timeoutMs`. */
export const waitFor = async <T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 5_000, intervalMs = 10, description = 'condition' }: { timeoutMs?: number; intervalMs?: number; description?: string } = {},
): Promise<NonNullable<T>> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP port nobody listens on (bound, then released). */
export const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
};

/**
 * Forwards a local port to Redis; `cut()` drops every connection and refuses new ones, which looks
 * to a client exactly like Redis going away, without touching the shared Redis.
 */
export class TcpProxy {
  private server: NetServer | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(
    private readonly targetHost = '127.0.0.1',
    private readonly targetPort = Number(new URL(TEST_REDIS_URL).port || 6379),
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    const server = createServer((inbound) => {
      const outbound = connect(this.targetPort, this.targetHost);
      for (const socket of [inbound, outbound]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('close', () => outbound.destroy());
      outbound.on('close', () => inbound.destroy());
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address === 'object' && address !== null) this.port = address.port;
    this.server = server;
    return this;
  }

  /** Drops all connections and stops listening (the port is kept for `resume()`). */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async resume(): Promise<void> {
    await this.start(this.port);
  }

  async stop(): Promise<void> {
    await this.cut();
  }
}

/** Stream names of a test service, for assertions. */
export const testStreamKeys = (prefix: string, service: string, lanes?: readonly string[]) => streamKeys(prefix, service, lanes);
