import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { createPgPool, migrateDatabase, PredictionLogRepository } from '@sentiment-ops/persistence';
import { createTestDatabase, deleteKeys, ensureTinyModel, startInferenceReplica, TEST_REDIS_URL, uniquePrefix, waitFor, type InferenceReplica, type TestDatabase } from '@sentiment-ops/testing';
import type { Pool } from 'pg';
import { GatewayTelemetry } from './metrics/gateway-telemetry';
import { startGateway, TEST_API_KEYS, TEST_KEYS, type RunningGateway } from './test/gateway-harness';

const counterValue = async (gateway: RunningGateway, pick: (telemetry: GatewayTelemetry) => { get(): Promise<{ values: { value: number }[] }> }): Promise<number> =>
  (await pick(gateway.app.get(GatewayTelemetry)).get()).values.reduce((sum, value) => sum + value.value, 0);

/** A TCP port that accepts connections and never answers: a Postgres that hangs. */
const startBlackHole = async (): Promise<{ port: number; close: () => Promise<void> }> => {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
};

// The real gateway in-process, one real inference replica (tiny model) and a Postgres database of its own.
describe('prediction log (gateway + replica + Postgres)', () => {
  const prefix = uniquePrefix('prediction-log');
  const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, API_KEYS: TEST_API_KEYS, PREDICTION_LOG_FLUSH_MS: '100' };
  let database: TestDatabase;
  let pool: Pool;
  let replica: InferenceReplica;

  beforeAll(async () => {
    const model = await ensureTinyModel();
    database = await createTestDatabase('prediction_log');
    await migrateDatabase(database.url);
    pool = createPgPool({ url: database.url, applicationName: 'prediction-log-e2e' });
    replica = await startInferenceReplica({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, MODEL_ID: model, HF_HUB_OFFLINE: '1', INTRA_OP_THREADS: '1', MODEL_FOLDERS: [tmpdir(), dirname(model)].join(',') });
  }, 90_000);

  afterAll(async () => {
    await replica?.stop();
    await pool?.end();
    await database?.drop();
    await deleteKeys(prefix);
  });

  it('logs live predictions with model, version, label and probabilities after a flush (text only when enabled)', async () => {
    const gateway = await startGateway({ ...env, DATABASE_URL: database.url, PREDICTION_LOG_SAMPLE_RATE: '1', PREDICTION_LOG_TEXT: 'true' }, { apiKey: TEST_KEYS.predict });
    try {
      const since = new Date(Date.now() - 1000);
      const single = await gateway.post('/api/v1/sentiment', { text: 'I love this 😀' });
      const batch = await gateway.post('/api/v1/sentiment/batch', { texts: ['awful service', 'it is a phone'] });
      expect([single.status, batch.status]).toEqual([200, 200]);
      const log = new PredictionLogRepository(pool);
      const entries = await waitFor(async () => {
        const rows = await log.window(since, new Date(Date.now() + 60_000));
        return rows.length >= 3 && rows;
      }, { what: 'three logged predictions' });
      const model = decodeURIComponent(single.headers.get('x-model') ?? '');
      const version = single.headers.get('x-model-version');
      expect(entries.map((entry) => entry.text).sort()).toEqual(['I love this 😀', 'awful service', 'it is a phone']);
      const loved = entries.find((entry) => entry.text === 'I love this 😀');
      expect(loved).toMatchObject({ model, modelVersion: version, textLength: 13, label: single.body.sentiment });
      expect(loved?.confidence).toBeCloseTo(single.body.confidence, 5);
      for (const label of ['negative', 'neutral', 'positive'] as const) expect(loved?.probabilities[label]).toBeCloseTo(single.body.probabilities[label], 5);
      expect(await log.window(since, new Date(Date.now() + 60_000), { model })).toHaveLength(3);
      expect(await counterValue(gateway, (telemetry) => telemetry.predictionLog.writtenTotal)).toBe(3);
    } finally {
      await gateway.close();
    }
  });

  it('stores no text by default and logs nothing at a sample rate of 0', async () => {
    await pool.query('TRUNCATE prediction_log');
    const withoutText = await startGateway({ ...env, DATABASE_URL: database.url, PREDICTION_LOG_SAMPLE_RATE: '1' }, { apiKey: TEST_KEYS.predict });
    try {
      expect((await withoutText.post('/api/v1/sentiment', { text: 'private words' })).status).toBe(200);
    } finally {
      await withoutText.close(); // flushes on shutdown
    }
    const off = await startGateway({ ...env, DATABASE_URL: database.url, PREDICTION_LOG_SAMPLE_RATE: '0' }, { apiKey: TEST_KEYS.predict });
    try {
      expect((await off.post('/api/v1/sentiment', { text: 'not logged' })).status).toBe(200);
    } finally {
      await off.close();
    }
    const { rows } = await pool.query<{ text: string | null; text_length: number }>('SELECT text, text_length FROM prediction_log');
    expect(rows).toEqual([{ text: null, text_length: 13 }]);
  });

  it('answers predictions at full speed while Postgres hangs, counting the failed writes', async () => {
    const blackHole = await startBlackHole();
    const gateway = await startGateway(
      { ...env, DATABASE_URL: `postgres://postgres@127.0.0.1:${blackHole.port}/sentiment_ops`, PREDICTION_LOG_SAMPLE_RATE: '1', PREDICTION_LOG_BATCH_SIZE: '5' },
      { apiKey: TEST_KEYS.predict },
    );
    try {
      const started = performance.now();
      for (let index = 0; index < 20; index += 1) {
        const response = await gateway.post('/api/v1/sentiment', { text: `still answering ${index}` });
        expect(response.status).toBe(200);
      }
      // 20 sequential tiny-model predictions; a write on the request path would wait 5 s to connect.
      expect(performance.now() - started).toBeLessThan(4_000);
      await waitFor(async () => (await counterValue(gateway, (telemetry) => telemetry.predictionLog.writeFailuresTotal)) >= 1, { timeoutMs: 10_000, what: 'a counted write failure' });
      expect(await counterValue(gateway, (telemetry) => telemetry.predictionLog.writtenTotal)).toBe(0);
    } finally {
      await blackHole.close();
      await gateway.close();
    }
  }, 30_000);

  it('answers predictions when Postgres refuses connections', async () => {
    const closed = await startBlackHole();
    await closed.close(); // nothing listens on this port any more
    const gateway = await startGateway({ ...env, DATABASE_URL: `postgres://postgres@127.0.0.1:${closed.port}/sentiment_ops`, PREDICTION_LOG_SAMPLE_RATE: '1' }, { apiKey: TEST_KEYS.predict });
    try {
      const batch = await gateway.post('/api/v1/sentiment/batch', { texts: ['one', 'two', 'three'] });
      expect(batch.status).toBe(200);
      await waitFor(async () => (await counterValue(gateway, (telemetry) => telemetry.predictionLog.droppedTotal)) === 3, { what: 'three rows dropped after the failed write' });
      expect(await counterValue(gateway, (telemetry) => telemetry.predictionLog.writeFailuresTotal)).toBe(1);
    } finally {
      await gateway.close();
    }
  });
});
