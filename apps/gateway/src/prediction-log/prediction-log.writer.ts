import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { countCodePoints, type ModelDescriptor, type Prediction } from '@sentiment-ops/contracts';
import { PredictionLogRepository, type PredictionLogInput } from '@sentiment-ops/persistence';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { GatewayTelemetry } from '../metrics/gateway-telemetry';

/** A uniform number in [0, 1); injectable so tests can seed it. */
export type RandomSource = () => number;
export const PREDICTION_LOG_RANDOM = Symbol('PREDICTION_LOG_RANDOM');

/** What the writer needs of the repository (a fake in unit tests). */
export type PredictionLogSink = Pick<PredictionLogRepository, 'insertMany'>;

/** Failures are logged at most once per this interval, with the count since the last line. */
const FAILURE_LOG_INTERVAL_MS = 60_000;
/** Shutdown waits this long for the last batches, then gives up on them. */
const SHUTDOWN_FLUSH_MS = 3_000;

/**
 * Samples live predictions into an in-memory buffer and writes it to Postgres in batches, off the
 * request path: `record` is synchronous and never throws, so a slow or unreachable Postgres costs
 * predictions nothing. The buffer is bounded (oldest rows dropped and counted) and one flush runs
 * at a time; a failed batch is dropped rather than retried, so a bad row cannot block the log.
 */
@Injectable()
export class PredictionLogWriter implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(PredictionLogWriter.name);
  private readonly settings: GatewayConfig['predictionLog'];
  private buffer: PredictionLogInput[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failuresSinceLog = 0;
  private lastFailureLogAt = Number.NEGATIVE_INFINITY;

  constructor(
    @Inject(GATEWAY_CONFIG) config: Pick<GatewayConfig, 'predictionLog'>,
    @Inject(PredictionLogRepository) private readonly repository: PredictionLogSink,
    private readonly telemetry: GatewayTelemetry,
    @Inject(PREDICTION_LOG_RANDOM) private readonly random: RandomSource,
  ) {
    this.settings = config.predictionLog;
  }

  onModuleInit(): void {
    if (this.settings.sampleRate <= 0) return;
    this.timer = setInterval(() => void this.flush(), this.settings.flushMs);
    this.timer.unref();
  }

  /** Rows waiting to be written. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Samples each answered text (texts[i] answered by predictions[i]); returns the rows kept. */
  record(model: ModelDescriptor, texts: readonly string[], predictions: readonly Prediction[]): number {
    const { sampleRate, storeText, maxBuffer, batchSize } = this.settings;
    if (sampleRate <= 0) return 0;
    let kept = 0;
    try {
      const createdAt = new Date();
      predictions.forEach((prediction, index) => {
        if (this.random() >= sampleRate) return;
        const text = texts[index] ?? '';
        this.buffer.push({
          createdAt,
          model: model.name,
          modelVersion: model.version,
          textLength: countCodePoints(text),
          label: prediction.label,
          confidence: prediction.confidence,
          probabilities: { negative: prediction.probabilities.negative, neutral: prediction.probabilities.neutral, positive: prediction.probabilities.positive },
          text: storeText ? text : null,
        });
        kept += 1;
      });
      // Full: the oldest rows go, in one splice per request rather than a shift per text.
      const overflow = this.buffer.length - maxBuffer;
      if (overflow > 0) {
        this.buffer.splice(0, overflow);
        this.telemetry.predictionLog.droppedTotal.inc({ reason: 'buffer_full' }, overflow);
      }
      if (this.buffer.length >= batchSize) void this.flush();
    } catch (error) {
      // Logging is best effort: a bug here must not turn an answered prediction into a 500.
      this.noteFailure(error);
    }
    return kept;
  }

  /** Writes everything buffered, one batch at a time; resolves when the buffer is empty. Never rejects. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Before the Postgres pool closes (PgPoolLifecycle.onApplicationShutdown).
    if (this.timer) clearInterval(this.timer);
    let timeout: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timeout = setTimeout(resolve, SHUTDOWN_FLUSH_MS);
    });
    await Promise.race([this.flush(), gaveUp]);
    clearTimeout(timeout);
    if (this.buffer.length > 0) this.logger.warn(`shutting down with ${this.buffer.length} prediction log rows unwritten`);
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.settings.batchSize);
      try {
        const written = await this.repository.insertMany(batch);
        this.telemetry.predictionLog.writtenTotal.inc(written);
      } catch (error) {
        this.telemetry.predictionLog.writeFailuresTotal.inc();
        this.telemetry.predictionLog.droppedTotal.inc({ reason: 'write_failed' }, batch.length);
        this.noteFailure(error);
      }
    }
  }

  private noteFailure(error: unknown): void {
    this.failuresSinceLog += 1;
    const now = Date.now();
    if (now - this.lastFailureLogAt < FAILURE_LOG_INTERVAL_MS) return;
    this.logger.warn(`prediction log write failed (${this.failuresSinceLog} failure(s) since the last report): ${error instanceof Error ? error.message : String(error)}`);
    this.lastFailureLogAt = now;
    this.failuresSinceLog = 0;
  }
}
