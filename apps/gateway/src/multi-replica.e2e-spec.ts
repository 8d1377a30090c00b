import { Redis } from 'ioredis';
import { deleteKeys, ensureTinyModel, startInferenceReplica, TEST_REDIS_URL, uniquePrefix, waitFor, type InferenceReplica } from '@sentiment-ops/testing';
import { startGateway as startGatewayWith, TEST_API_KEYS, TEST_KEYS, type RunningGateway } from './test/gateway-harness';

const startGateway = (env: Record<string, string>) => startGatewayWith({ ...env, API_KEYS: TEST_API_KEYS }, { apiKey: TEST_KEYS.predict });

// Several real inference processes behind one gateway, over the real Redis: work is shared,
// never duplicated, survives a replica that dies holding a request, and ends by its deadline.
describe('gateway with several inference replicas', () => {
  let model: string;
  const replicaEnv = (prefix: string, extra: Record<string, string> = {}) => ({
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    MODEL_ID: model,
    HF_HUB_OFFLINE: '1',
    INTRA_OP_THREADS: '1',
    RPC_VISIBILITY_TIMEOUT_MS: '2000',
    RPC_BLOCK_MS: '500',
    ...extra,
  });
  const running: { replicas: InferenceReplica[]; gateways: RunningGateway[]; prefixes: string[] } = { replicas: [], gateways: [], prefixes: [] };
  const track = <T extends InferenceReplica | RunningGateway>(list: T[], item: T): T => (list.push(item), item);

  beforeAll(async () => {
    model = await ensureTinyModel();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(running.gateways.splice(0).map((gateway) => gateway.close()));
    await Promise.all(running.replicas.splice(0).map((replica) => replica.stop('SIGKILL')));
    await Promise.all(running.prefixes.splice(0).map((prefix) => deleteKeys(prefix)));
  });

  const newPrefix = (label: string) => {
    const prefix = uniquePrefix(label);
    running.prefixes.push(prefix);
    return prefix;
  };

  it('answers 200 concurrent requests with each computed exactly once across two replicas', async () => {
    const prefix = newPrefix('two-replicas');
    const [a, b] = await Promise.all([
      startInferenceReplica(replicaEnv(prefix, { REPLICA_ID: 'replica-a', MAX_BATCH: '8' })),
      startInferenceReplica(replicaEnv(prefix, { REPLICA_ID: 'replica-b', MAX_BATCH: '8' })),
    ]);
    track(running.replicas, a);
    track(running.replicas, b);
    const gateway = track(running.gateways, await startGateway({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, INFERENCE_TIMEOUT_MS: '30000' }));

    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => gateway.post('/api/v1/sentiment', { text: `request number ${i} was fine` })));

    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    responses.forEach((response, i) => expect(response.body.text).toBe(`request number ${i} was fine`));
    const [itemsA, itemsB] = await Promise.all([a.computedItems(), b.computedItems()]);
    expect(itemsA + itemsB).toBe(200);
    // Informational: how the work was shared (both replicas read from one consumer group).
    process.stdout.write(`two replicas: replica-a computed ${itemsA}, replica-b computed ${itemsB}\n`);
  }, 120_000);

  it('answers a request read by a replica that then died, through another replica, before the deadline', async () => {
    const prefix = newPrefix('dead-replica');
    const doomed = track(running.replicas, await startInferenceReplica(replicaEnv(prefix, { REPLICA_ID: 'doomed' })));
    const gateway = track(running.gateways, await startGateway({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, INFERENCE_TIMEOUT_MS: '25000' }));

    // Frozen while blocked in XREADGROUP: Redis still hands it the next entry, which it never answers.
    doomed.child.kill('SIGSTOP');
    const started = Date.now();
    const pending = gateway.post('/api/v1/sentiment', { text: 'still answered after a crash' });
    const redis = new Redis(TEST_REDIS_URL);
    try {
      await waitFor(async () => Number((await redis.xpending(`${prefix}:rpc:inference:live`, 'inference-workers'))[0]) === 1, { what: 'the doomed replica to hold the entry' });
      await doomed.stop('SIGKILL');
    } finally {
      redis.disconnect();
    }

    const survivor = track(running.replicas, await startInferenceReplica(replicaEnv(prefix, { REPLICA_ID: 'survivor' })));
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.body.text).toBe('still answered after a crash');
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(await survivor.computedItems()).toBe(1);
  }, 90_000);

  it('ends with 504 by the deadline when no replica runs, and reports not ready / unhealthy', async () => {
    const prefix = newPrefix('no-replica');
    const gateway = track(running.gateways, await startGateway({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, INFERENCE_TIMEOUT_MS: '1500', HEALTH_TIMEOUT_MS: '500', READY_CACHE_MS: '0' }));

    const started = Date.now();
    const response = await gateway.post('/api/v1/sentiment', { text: 'anyone there?' });
    const elapsed = Date.now() - started;
    expect(response.status).toBe(504);
    expect(response.body.message).toMatch(/deadline/);
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(3000);

    const ready = await gateway.get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('not_ready');
    const health = await gateway.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.status).toBe('unhealthy');
    expect(health.body.checks.details.redis.status).toBe('up');
    expect(health.body.checks.details.inference.status).toBe('down');
    expect(health.body.model.status).toBe('unavailable');
  }, 30_000);

  it('stops a replica on SIGTERM under load: it finishes what it holds, exits 0, and nothing is lost', async () => {
    const prefix = newPrefix('sigterm');
    const [leaving, staying] = await Promise.all([
      startInferenceReplica(replicaEnv(prefix, { REPLICA_ID: 'leaving' })),
      startInferenceReplica(replicaEnv(prefix, { REPLICA_ID: 'staying' })),
    ]);
    track(running.replicas, staying);
    const gateway = track(running.gateways, await startGateway({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, INFERENCE_TIMEOUT_MS: '15000' }));
    const inFlight = Promise.all(Array.from({ length: 60 }, (_, i) => gateway.post('/api/v1/sentiment', { text: `last words ${i}` })));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await leaving.stop('SIGTERM')).toBe(0);
    const responses = await inFlight;
    expect(responses.map((r) => r.status)).toEqual(Array(60).fill(200));
    expect(leaving.output()).toContain('SIGTERM received');
  }, 40_000);

  it('answers 503 at once when Redis is unreachable', async () => {
    const gateway = track(running.gateways, await startGateway({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_PREFIX: newPrefix('no-redis'), INFERENCE_TIMEOUT_MS: '10000', HEALTH_TIMEOUT_MS: '500' }));
    const started = Date.now();
    const response = await gateway.post('/api/v1/sentiment', { text: 'is redis there?' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(Date.now() - started).toBeLessThan(5000);
    const health = await gateway.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.checks.details.redis.status).toBe('down');
  }, 30_000);
});
