import { Logger } from '@nestjs/common';
import type { PredictionLogRepository } from '@sentiment-ops/persistence';
import type { PredictionLogSettings } from '../config/gateway.config';
import { PREDICTION_LOG_RETENTION_INTERVAL_MS, PredictionLogRetention } from './prediction-log.retention';

const settings = (overrides: Partial<PredictionLogSettings> = {}): { predictionLog: PredictionLogSettings } => ({
  predictionLog: { sampleRate: 0.1, storeText: false, flushMs: 1000, batchSize: 500, maxBuffer: 10_000, retentionDays: 30, maxRows: 1_000_000, ...overrides },
});

describe('PredictionLogRetention', () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('enforces PREDICTION_LOG_RETENTION_DAYS and PREDICTION_LOG_MAX_ROWS every 10 minutes', async () => {
    jest.useFakeTimers();
    const enforceRetention = jest.fn().mockResolvedValue(4);
    const retention = new PredictionLogRetention(settings({ retentionDays: 7, maxRows: 100 }), { enforceRetention } as unknown as PredictionLogRepository);
    retention.onModuleInit();
    await jest.advanceTimersByTimeAsync(PREDICTION_LOG_RETENTION_INTERVAL_MS - 1);
    expect(enforceRetention).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(enforceRetention).toHaveBeenCalledWith({ maxAgeDays: 7, maxRows: 100 });
    retention.onApplicationShutdown();
    await jest.advanceTimersByTimeAsync(PREDICTION_LOG_RETENTION_INTERVAL_MS * 2);
    expect(enforceRetention).toHaveBeenCalledTimes(1);
  });

  it('does not schedule anything when both bounds are off', async () => {
    jest.useFakeTimers();
    const enforceRetention = jest.fn().mockResolvedValue(0);
    const retention = new PredictionLogRetention(settings({ retentionDays: 0, maxRows: 0 }), { enforceRetention } as unknown as PredictionLogRepository);
    retention.onModuleInit();
    await jest.advanceTimersByTimeAsync(PREDICTION_LOG_RETENTION_INTERVAL_MS * 2);
    expect(enforceRetention).not.toHaveBeenCalled();
  });

  it('logs a failed pass and resolves to 0 (Postgres down)', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const retention = new PredictionLogRetention(settings(), { enforceRetention: jest.fn().mockRejectedValue(new Error('ECONNREFUSED')) } as unknown as PredictionLogRepository);
    await expect(retention.enforce()).resolves.toBe(0);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('ECONNREFUSED'));
  });
});
