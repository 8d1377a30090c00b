import { ConsoleLogger, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MonitoringQueueName, QueueName } from '@sentiment-ops/contracts';
import { createQueueDepthMetric } from '@sentiment-ops/metrics';
import { DriftReportRepository, EvaluationRunRepository, migrateDatabase, ScheduleRepository } from '@sentiment-ops/persistence';
import { ScheduleManager, type ScheduleDefinition } from '@sentiment-ops/scheduling';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { WorkerConfig } from './config/worker.config';
import { EvaluationProcessor } from './evaluation/evaluation.processor';
import { restoreEvaluationGauges } from './evaluation/gauge-restore';
import { WorkerState } from './health/worker-state';
import { WorkerTelemetry } from './metrics/worker-telemetry';
import { DriftReportService } from './drift/drift-report.service';
import { MonitoringProcessor } from './monitoring/monitoring.processor';
import { PG_POOL, WorkerModule } from './worker.module';
import type { Pool } from 'pg';

export interface WorkerApp {
  app: INestApplication;
  httpPort: number;
  close(): Promise<void>;
}

/**
 * Starts the evaluation worker: schema migrations, probes and /metrics, gauges restored from
 * Postgres, then the BullMQ worker.
 */
export const startWorker = async (
  config: WorkerConfig,
  logger: LoggerService = createWorkerLogger(config),
): Promise<WorkerApp> => {
  const applied = await migrateDatabase(config.databaseUrl);
  if (applied.length > 0) logger.log(`applied migrations: ${applied.join(', ')}`, 'Bootstrap');

  const app = await NestFactory.create(WorkerModule.register(config), { logger, bufferLogs: true });
  const queueConnection = new Redis(config.redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true, disconnectTimeout: 500 });
  queueConnection.on('error', () => undefined);
  const queue = new Queue(QueueName.Evaluation, { connection: queueConnection, prefix: `${config.redis.prefix}:bull` });
  const monitoringQueue = new Queue(MonitoringQueueName, { connection: queueConnection, prefix: `${config.redis.prefix}:bull` });
  try {
    await app.listen(config.http.port, '0.0.0.0');
    const telemetry = app.get(WorkerTelemetry);
    createQueueDepthMetric(telemetry.registry, () => queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'));
    const restored = await restoreEvaluationGauges(app.get(EvaluationRunRepository), telemetry.evaluation);
    logger.log(`restored evaluation gauges of ${restored} model/dataset/split targets from Postgres`, 'Bootstrap');
    const latestDrift = await app.get(DriftReportRepository).latest('completed');
    if (latestDrift?.result) app.get(DriftReportService).applyGauges(latestDrift.result, new Date(latestDrift.finishedAt ?? latestDrift.createdAt));
    app.get(EvaluationProcessor).start();
    app.get(MonitoringProcessor).start();
    if (config.schedules.enabled) {
      const schedules = await new ScheduleManager(monitoringQueue, new ScheduleRepository(app.get<Pool>(PG_POOL))).register(scheduleDefinitions(config));
      for (const { record, nextRunAt } of schedules) {
        logger.log(`schedule ${record.id}: ${record.enabled ? `next run ${nextRunAt?.toISOString() ?? 'unknown'}` : 'paused'}`, 'Bootstrap');
      }
    }
    app.get(WorkerState).processing = true;
  } catch (error) {
    await app.close().catch(() => undefined);
    await queue.close().catch(() => undefined);
    await monitoringQueue.close().catch(() => undefined);
    queueConnection.disconnect();
    throw error;
  }
  const address = app.getHttpServer().address();
  const httpPort = typeof address === 'object' && address ? address.port : config.http.port;
  logger.log(`worker ${config.workerId}: processing ${QueueName.Evaluation} jobs; metrics and probes on :${httpPort}`, 'Bootstrap');
  return {
    app,
    httpPort,
    close: async () => {
      app.get(WorkerState).processing = false;
      await app.close();
      await queue.close().catch(() => undefined);
      await monitoringQueue.close().catch(() => undefined);
      // BullMQ leaves a connection it was given open: it is ours to close.
      queueConnection.disconnect();
    },
  };
};

/** The built-in schedules as configured; operators' overrides live in Postgres. */
export const scheduleDefinitions = (config: WorkerConfig): ScheduleDefinition[] => [
  { id: 'model-evaluation', pattern: config.schedules.modelEvaluation, timezone: config.schedules.timezone },
  { id: 'drift-monitoring', pattern: config.schedules.driftMonitoring, timezone: config.schedules.timezone },
];

export const createWorkerLogger = (config: WorkerConfig): LoggerService =>
  new ConsoleLogger({ prefix: 'evaluation-worker', json: config.logFormat === 'json', colors: Boolean(process.stdout.isTTY) && config.logFormat !== 'json' });
