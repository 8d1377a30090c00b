import { firstValueFrom } from 'rxjs';
import {
  closedPort,
  delay,
  TcpProxy,
  testStreamKeys,
  useTransportSuite,
  waitFor,
  WORK_PATTERN,
} from '../testing';
import { RpcDeadlineExceededError, RpcReplyErrorCode, RpcUnavailableError, isRpcTransportError } from './errors';
import { fieldsToRecord, parseReadReply } from './wire';

const SERVICE = 'inference-failures';
const GROUP = `${SERVICE}-workers`;

describe('RedisStreams transport: failures', () => {
  const suite = useTransportSuite({ service: SERVICE, label: 'failures' });
  let liveKey: string;
  /** A replica that reads one entry and then "dies" (never acknowledges). */
  const readAsDeadReplica = async (): Promise<string> =>
    waitFor(async () => parseReadReply(await suite.redis.xreadgroup('GROUP', GROUP, 'dead-replica', 'COUNT', 1, 'STREAMS', liveKey, '>'))[0]?.entries[0]?.id, {
      description: 'the request to reach the stream',
    });
  const pendingCount = async () => Number((await suite.redis.xpending(liveKey, GROUP))[0]);

  beforeEach(() => {
    liveKey = testStreamKeys(suite.prefix, SERVICE).lane('live');
  });

  it('fails with RpcDeadlineExceededError at the timeout when no replica answers, and the expired entry is never computed', async () => {
    const client = suite.newClient();
    await client.connect();
    const startedAt = Date.now();
    const error = await firstValueFrom(client.send(WORK_PATTERN, { n: 1 }, { timeoutMs: 300 })).catch((err: unknown) => err);
    const elapsed = Date.now() - startedAt;

    expect(error).toBeInstanceOf(RpcDeadlineExceededError);
    expect(error).toMatchObject({ code: 'DEADLINE_EXCEEDED', pattern: WORK_PATTERN, lane: 'live', timeoutMs: 300 });
    expect(isRpcTransportError(error)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(295);
    expect(elapsed).toBeLessThan(900);

    const expired: string[] = [];
    const worker = await suite.start({ ...suite.transport, blockMs: 100, observer: { onExpired: (lane) => expired.push(lane) } });
    await waitFor(() => expired.length === 1, { description: 'the expired entry to be dropped' });
    await waitFor(async () => (await pendingCount()) === 0, { description: 'the expired entry to be acknowledged' });
    expect(expired).toEqual(['live']);
    expect(worker.recorder.calls).toHaveLength(0);
  });

  it('reclaims the entry of a dead replica after the visibility timeout and answers before the deadline', async () => {
    await suite.redis.call('XGROUP', 'CREATE', liveKey, GROUP, '0', 'MKSTREAM');
    const client = suite.newClient();
    const call = firstValueFrom(client.send(WORK_PATTERN, { job: 'orphan' }, { timeoutMs: 5_000 }));
    const entryId = await readAsDeadReplica();

    const reclaimed: number[] = [];
    const startedAt = Date.now();
    const worker = await suite.start({
      ...suite.transport,
      consumerName: 'survivor',
      blockMs: 100,
      visibilityTimeoutMs: 300,
      reclaimIntervalMs: 50,
      observer: { onReclaimed: (_lane, n) => reclaimed.push(n) },
    });

    await expect(call).resolves.toEqual({ job: 'orphan' });
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(reclaimed).toEqual([1]);
    expect(worker.recorder.calls).toEqual([expect.objectContaining({ entryId, deliveryCount: 2, consumer: 'survivor' })]);
    await waitFor(async () => (await pendingCount()) === 0, { description: 'the reclaimed entry to be acknowledged' });
  });

  it('computes a slow entry exactly once while its replica is alive (heartbeat), even with a second replica idle', async () => {
    const reclaimed: number[] = [];
    const options = { ...suite.transport, blockMs: 100, visibilityTimeoutMs: 300, reclaimIntervalMs: 50, observer: { onReclaimed: (_: string, n: number) => reclaimed.push(n) } };
    const slow = async (data: unknown) => {
      await delay(1_200);
      return data;
    };
    const [a, b] = await Promise.all([suite.start({ ...options, consumerName: 'a' }, slow), suite.start({ ...options, consumerName: 'b' }, slow)]);

    await expect(firstValueFrom(suite.newClient().send(WORK_PATTERN, { slow: true }))).resolves.toEqual({ slow: true });

    expect([...a.recorder.calls, ...b.recorder.calls]).toEqual([expect.objectContaining({ deliveryCount: 1 })]);
    expect(reclaimed).toEqual([]);
  });

  it('dead-letters an entry delivered more than maxDeliveries times and tells the waiting client', async () => {
    await suite.redis.call('XGROUP', 'CREATE', liveKey, GROUP, '0', 'MKSTREAM');
    const call = firstValueFrom(suite.newClient().send(WORK_PATTERN, { poison: true }, { timeoutMs: 5_000 }));
    const entryId = await readAsDeadReplica();
    // Three replicas crashed on it already: delivery count 3, idle for a minute.
    await suite.redis.call('XCLAIM', liveKey, GROUP, 'dead-replica', 0, entryId, 'IDLE', 60_000, 'RETRYCOUNT', 3);

    const deadLettered: string[] = [];
    const worker = await suite.start({
      ...suite.transport,
      blockMs: 100,
      visibilityTimeoutMs: 300,
      reclaimIntervalMs: 50,
      maxDeliveries: 3,
      observer: { onDeadLettered: (lane) => deadLettered.push(lane) },
    });

    await expect(call).rejects.toMatchObject({ code: RpcReplyErrorCode.DeadLettered });
    await waitFor(() => deadLettered.length === 1, { description: 'the observer to hear of it' });
    expect(worker.recorder.calls).toHaveLength(0);
    expect(deadLettered).toEqual(['live']);
    expect(await pendingCount()).toBe(0);
    const dead = await suite.redis.xrange(testStreamKeys(suite.prefix, SERVICE).dead, '-', '+');
    expect(dead).toHaveLength(1);
    expect(fieldsToRecord(dead[0][1])).toMatchObject({ pattern: WORK_PATTERN, data: '{"poison":true}', lane: 'live', originalId: entryId, deliveries: '4', reason: expect.stringMatching(/delivered 4 times/) });
  });

  it('fails fast with RpcUnavailableError when Redis is unreachable, and works once it is reachable', async () => {
    const port = await closedPort();
    const client = suite.newClient({ url: `redis://127.0.0.1:${port}` });
    for (let attempt = 0; attempt < 3; attempt++) {
      const startedAt = Date.now();
      const error = await firstValueFrom(client.send(WORK_PATTERN, { n: attempt })).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(RpcUnavailableError);
      expect(error).toMatchObject({ code: 'UNAVAILABLE' });
      expect(Date.now() - startedAt).toBeLessThan(500);
    }

    // Redis appears on that port (a proxy to the real one): the same client recovers by itself.
    const proxy = await new TcpProxy().start(port);
    try {
      await suite.start({ ...suite.transport, blockMs: 100 });
      const reply = await waitFor(() => firstValueFrom(client.send(WORK_PATTERN, { n: 'late' }, { timeoutMs: 1_000 })).catch(() => undefined), {
        timeoutMs: 8_000,
        intervalMs: 100,
        description: 'the client to connect',
      });
      expect(reply).toEqual({ n: 'late' });
    } finally {
      await suite.closeClients();
      await proxy.stop();
    }
  });

  it('fails calls at once when the connection drops after connecting, and recovers when Redis is back', async () => {
    const proxy = await new TcpProxy().start();
    try {
      await suite.start({ ...suite.transport, blockMs: 100 }, async (data) => {
        await delay((data as { wait: number }).wait);
        return data;
      });
      const client = suite.newClient({ url: proxy.url });
      await expect(firstValueFrom(client.send(WORK_PATTERN, { wait: 0 }))).resolves.toEqual({ wait: 0 });

      const inFlight = firstValueFrom(client.send(WORK_PATTERN, { wait: 500 })).catch((err: unknown) => err);
      await delay(50);
      const cutAt = Date.now();
      await proxy.cut();
      expect(await inFlight).toBeInstanceOf(RpcUnavailableError);
      const error = await firstValueFrom(client.send(WORK_PATTERN, { wait: 0 })).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(RpcUnavailableError);
      expect(Date.now() - cutAt).toBeLessThan(500);

      await proxy.resume();
      const recovered = await waitFor(() => firstValueFrom(client.send(WORK_PATTERN, { wait: 0 }, { timeoutMs: 1_000 })).catch(() => undefined), {
        timeoutMs: 8_000,
        intervalMs: 100,
        description: 'the client to reconnect',
      });
      expect(recovered).toEqual({ wait: 0 });
    } finally {
      await suite.closeClients();
      await proxy.stop();
    }
  });
});
