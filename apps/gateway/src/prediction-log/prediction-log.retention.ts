import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PredictionLogRepository } from '@sentiment-ops/persistence';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';

export const PREDICTION_LOG_RETENTION_INTERVAL_MS = 10 * 60_000;

/**
 * Keeps prediction_log within PREDICTION_LOG_RETENTION_DAYS and PREDICTION_LOG_MAX_ROWS. Every
 * gateway runs it: the deletes are idempotent and index-driven, so a second replica's run finds
 * nothing to do, which is cheaper than coordinating through a lock.
 */
@Injectable()
export class PredictionLogRetention implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PredictionLogRetention.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: Pick<GatewayConfig, 'predictionLog'>,
    private readonly repository: PredictionLogRepository,
  ) {}

  onModuleInit(): void {
    const { retentionDays, maxRows } = this.config.predictionLog;
    if (retentionDays === 0 && maxRows === 0) return;
    this.timer = setInterval(() => void this.enforce(), PREDICTION_LOG_RETENTION_INTERVAL_MS);
    this.timer.unref();
  }

  /** One retention pass; returns the rows deleted (0 when Postgres could not be reached). */
  enforce(): Promise<number> {
    const { retentionDays, maxRows } = this.config.predictionLog;
    this.running ??= this.repository
      .enforceRetention({ maxAgeDays: retentionDays, maxRows })
      .catch((error: Error) => {
        this.logger.warn(`prediction log retention failed, retrying in ${PREDICTION_LOG_RETENTION_INTERVAL_MS / 60_000} min: ${error.message}`);
        return 0;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
