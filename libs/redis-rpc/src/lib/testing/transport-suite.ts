import type { Redis } from 'ioredis';
import type { RedisStreamsClientOptions, RedisStreamsTransportOptions } from '../options';
import { RedisStreamsClient } from '../redis-streams.client';
import { createTestRedis, deletePrefixedKeys, TEST_REDIS_URL, uniqueTestPrefix } from './redis-test-kit';
import { startTestWorker, useTestLogger, type TestWorker } from './test-worker';

export interface TransportSuite {
  /** A plain connection for inspecting streams. */
  readonly redis: Redis;
  /** Fresh for every test; its keys are deleted after it. */
  readonly prefix: string;
  readonly transport: RedisStreamsTransportOptions;
  /** A client created for every test. */
  readonly client: RedisStreamsClient;
  /** Another client, closed after the test. */
  newClient(overrides?: Partial<RedisStreamsClientOptions>): RedisStreamsClient;
  /** Closes every client now (e.g. before a proxy they go through stops). */
  closeClients(): Promise<void>;
  /** A server replica, closed after the test. */
  start(...args: Parameters<typeof startTestWorker>): Promise<TestWorker>;
}

/**
 * Registers the hooks every transport spec needs (own key prefix per test, clients and workers
 * closed, keys deleted) and returns the per-test state through getters.
 */
export const useTransportSuite = ({ service, label, clientTimeoutMs = 5_000 }: { service: string; label: string; clientTimeoutMs?: number }): TransportSuite => {
  let redis: Redis;
  let prefix: string;
  let transport: RedisStreamsTransportOptions;
  let client: RedisStreamsClient;
  const clients: RedisStreamsClient[] = [];
  const workers: TestWorker[] = [];

  const newClient = (overrides: Partial<RedisStreamsClientOptions> = {}): RedisStreamsClient => {
    const created = new RedisStreamsClient({ ...transport, defaultTimeoutMs: clientTimeoutMs, ...overrides });
    clients.push(created);
    return created;
  };

  beforeAll(() => {
    useTestLogger();
    redis = createTestRedis();
  });

  beforeEach(() => {
    prefix = uniqueTestPrefix(label);
    transport = { url: TEST_REDIS_URL, prefix, service };
    client = newClient();
  });

  const closeClients = async (): Promise<void> => {
    await Promise.all(clients.splice(0).map((created) => created.close()));
  };

  afterEach(async () => {
    await closeClients();
    await Promise.all(workers.splice(0).map((worker) => worker.close()));
    await deletePrefixedKeys(redis, prefix);
  });

  afterAll(async () => {
    await redis.quit();
  });

  return {
    get redis() {
      return redis;
    },
    get prefix() {
      return prefix;
    },
    get transport() {
      return transport;
    },
    get client() {
      return client;
    },
    newClient,
    closeClients,
    start: async (...args) => {
      const worker = await startTestWorker(...args);
      workers.push(worker);
      return worker;
    },
  };
};
