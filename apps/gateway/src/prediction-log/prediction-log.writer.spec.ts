import { Logger } from '@nestjs/common';
import type { ModelDescriptor, Prediction } from '@sentiment-ops/contracts';
import { seededRandom } from '@sentiment-ops/datasets';
import type { PredictionLogInput } from '@sentiment-ops/persistence';
import type { Counter } from 'prom-client';
import type { PredictionLogSettings } from '../config/gateway.config';
import { GatewayTelemetry } from '../metrics/gateway-telemetry';
import { PredictionLogWriter, type PredictionLogSink, type RandomSource } from './prediction-log.writer';

/** A seeded generator, so sampling counts are the same on every run. */
const seeded = (seed: number): RandomSource => seededRandom(seed);

const MODEL: ModelDescriptor = { name: 'sentiment-lite', source: '/models/sentiment-lite', revision: 'main', dtype: 'fp32', version: 'abc123def456', maxLength: 512 };
const prediction = (label: Prediction['label'] = 'positive'): Prediction => ({
  label,
  confidence: 0.7,
  probabilities: { negative: 0.1, neutral: 0.2, positive: 0.7 },
  tokens: 5,
});

class FakeSink implements PredictionLogSink {
  readonly batches: PredictionLogInput[][] = [];
  failWith: Error | undefined;
  hang = false;

  insertMany(rows: readonly PredictionLogInput[]): Promise<number> {
    this.batches.push([...rows]);
    if (this.hang) return new Promise(() => undefined);
    if (this.failWith) return Promise.reject(this.failWith);
    return Promise.resolve(rows.length);
  }

  get rows(): PredictionLogInput[] {
    return this.batches.flat();
  }
}

const SETTINGS: PredictionLogSettings = { sampleRate: 1, storeText: false, flushMs: 60_000, batchSize: 1_000, maxBuffer: 10_000, retentionDays: 30, maxRows: 1_000_000 };

const setup = (settings: Partial<PredictionLogSettings> = {}, random: RandomSource = seeded(42)) => {
  const sink = new FakeSink();
  const telemetry = new GatewayTelemetry();
  const writer = new PredictionLogWriter({ predictionLog: { ...SETTINGS, ...settings } }, sink, telemetry, random);
  const counter = async (metric: Counter<string>, labels: Record<string, string> = {}): Promise<number> =>
    (await metric.get()).values.filter((value) => Object.entries(labels).every(([name, label]) => value.labels[name] === label)).reduce((sum, value) => sum + value.value, 0);
  return { sink, telemetry, writer, counter, metrics: telemetry.predictionLog };
};

/** Records `count` texts in requests of `perRequest`; returns the rows kept. */
const recordTexts = (writer: PredictionLogWriter, count: number, perRequest = 100): number => {
  let kept = 0;
  for (let start = 0; start < count; start += perRequest) {
    const texts = Array.from({ length: Math.min(perRequest, count - start) }, (_, index) => `text number ${start + index}`);
    kept += writer.record(MODEL, texts, texts.map(() => prediction()));
  }
  return kept;
};

describe('PredictionLogWriter', () => {
  afterEach(() => jest.restoreAllMocks());

  describe('sampling', () => {
    it('keeps about PREDICTION_LOG_SAMPLE_RATE of the texts (10,000 texts at 0.1 → 1,000 ± 3.3σ)', async () => {
      const { writer, sink, metrics, counter } = setup({ sampleRate: 0.1, maxBuffer: 20_000 });
      const kept = recordTexts(writer, 10_000);
      expect(kept).toBeGreaterThanOrEqual(900);
      expect(kept).toBeLessThanOrEqual(1_100);
      await writer.flush();
      expect(sink.rows).toHaveLength(kept);
      expect(await counter(metrics.writtenTotal)).toBe(kept);
    });

    it('stays within the band for other seeds and rates', () => {
      for (const [seed, rate] of [[1, 0.1], [7, 0.25], [99, 0.5], [12345, 0.01]]) {
        const { writer } = setup({ sampleRate: rate, maxBuffer: 20_000 }, seeded(seed));
        const expected = 10_000 * rate;
        const sigma = Math.sqrt(10_000 * rate * (1 - rate));
        expect(Math.abs(recordTexts(writer, 10_000) - expected)).toBeLessThanOrEqual(4 * sigma);
      }
    });

    it('logs nothing at 0 and never asks for a random number', async () => {
      const random = jest.fn(() => 0);
      const { writer, sink } = setup({ sampleRate: 0 }, random);
      expect(recordTexts(writer, 1_000)).toBe(0);
      await writer.flush();
      expect(sink.batches).toEqual([]);
      expect(random).not.toHaveBeenCalled();
    });

    it('logs every text at 1', async () => {
      const { writer, sink } = setup({ sampleRate: 1 }, seeded(3));
      expect(recordTexts(writer, 1_000)).toBe(1_000);
      await writer.flush();
      expect(sink.rows).toHaveLength(1_000);
    });
  });

  describe('rows', () => {
    it('stores model, version, code-point length, label, confidence and probabilities, without the text by default', async () => {
      const { writer, sink } = setup();
      writer.record(MODEL, ['😀😀 ok', 'bad'], [prediction('positive'), { ...prediction('negative'), confidence: 0.6, probabilities: { negative: 0.6, neutral: 0.3, positive: 0.1 } }]);
      await writer.flush();
      expect(sink.rows).toEqual([
        { createdAt: expect.any(Date), model: 'sentiment-lite', modelVersion: 'abc123def456', textLength: 5, label: 'positive', confidence: 0.7, probabilities: { negative: 0.1, neutral: 0.2, positive: 0.7 }, text: null },
        { createdAt: expect.any(Date), model: 'sentiment-lite', modelVersion: 'abc123def456', textLength: 3, label: 'negative', confidence: 0.6, probabilities: { negative: 0.6, neutral: 0.3, positive: 0.1 }, text: null },
      ]);
    });

    it('stores the text only when PREDICTION_LOG_TEXT is on', async () => {
      const { writer, sink } = setup({ storeText: true });
      writer.record(MODEL, ['keep me'], [prediction()]);
      await writer.flush();
      expect(sink.rows.map((row) => row.text)).toEqual(['keep me']);
    });
  });

  describe('batching and bounds', () => {
    it('writes batches of at most PREDICTION_LOG_BATCH_SIZE rows, starting as soon as a batch is full', async () => {
      const { writer, sink } = setup({ batchSize: 40 });
      recordTexts(writer, 30, 30);
      expect(sink.batches).toHaveLength(0);
      recordTexts(writer, 70, 70);
      expect(sink.batches).toHaveLength(1); // started synchronously, not awaited
      await writer.flush();
      expect(sink.batches.map((batch) => batch.length)).toEqual([40, 40, 20]);
    });

    it('flushes every PREDICTION_LOG_FLUSH_MS once started', async () => {
      jest.useFakeTimers();
      try {
        const { writer, sink } = setup({ flushMs: 500 });
        writer.onModuleInit();
        recordTexts(writer, 3);
        await jest.advanceTimersByTimeAsync(499);
        expect(sink.batches).toHaveLength(0);
        await jest.advanceTimersByTimeAsync(1);
        expect(sink.rows).toHaveLength(3);
        await writer.beforeApplicationShutdown();
      } finally {
        jest.useRealTimers();
      }
    });

    it('holds at most PREDICTION_LOG_MAX_BUFFER rows, dropping the oldest and counting them', async () => {
      const { writer, metrics, counter } = setup({ maxBuffer: 5 });
      expect(recordTexts(writer, 8, 1)).toBe(8);
      expect(writer.pending).toBe(5);
      expect(await counter(metrics.droppedTotal, { reason: 'buffer_full' })).toBe(3);
    });

    it('keeps the newest rows when full', async () => {
      const { writer, sink } = setup({ maxBuffer: 3, storeText: true });
      writer.record(MODEL, ['a', 'b', 'c', 'd', 'e'], Array.from({ length: 5 }, () => prediction()));
      await writer.flush();
      expect(sink.rows.map((row) => row.text)).toEqual(['c', 'd', 'e']);
    });
  });

  describe('failures', () => {
    it('never throws from record, drops a failed batch, counts it and logs once per interval', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const { writer, sink, metrics, counter } = setup({ batchSize: 10 });
      sink.failWith = new Error('connect ECONNREFUSED 127.0.0.1:1');
      expect(() => recordTexts(writer, 25, 5)).not.toThrow();
      await writer.flush();
      recordTexts(writer, 5);
      await writer.flush();
      expect(sink.batches.map((batch) => batch.length)).toEqual([10, 10, 5, 5]);
      expect(await counter(metrics.writeFailuresTotal)).toBe(4);
      expect(await counter(metrics.droppedTotal, { reason: 'write_failed' })).toBe(30);
      expect(await counter(metrics.writtenTotal)).toBe(0);
      expect(writer.pending).toBe(0);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toContain('ECONNREFUSED');
    });

    it('runs one write at a time: a hanging Postgres holds one batch while the rest wait in the bounded buffer', async () => {
      const { writer, sink } = setup({ batchSize: 10, maxBuffer: 50 });
      sink.hang = true;
      const started = performance.now();
      recordTexts(writer, 200, 10);
      expect(performance.now() - started).toBeLessThan(200);
      expect(sink.batches).toHaveLength(1);
      expect(writer.pending).toBe(50);
    });

    it('gives up the shutdown flush after a bounded time', async () => {
      jest.useFakeTimers();
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        const { writer, sink } = setup();
        sink.hang = true;
        recordTexts(writer, 5);
        let done = false;
        const shutdown = writer.beforeApplicationShutdown().then(() => (done = true));
        await jest.advanceTimersByTimeAsync(2_999);
        expect(done).toBe(false);
        await jest.advanceTimersByTimeAsync(1);
        await shutdown;
        expect(done).toBe(true);
      } finally {
        jest.useRealTimers();
      }
    });

    it('writes what is buffered on shutdown', async () => {
      const { writer, sink } = setup();
      recordTexts(writer, 7);
      await writer.beforeApplicationShutdown();
      expect(sink.rows).toHaveLength(7);
    });
  });
});
