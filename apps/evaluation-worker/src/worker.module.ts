import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { InferenceLane } from '@sentiment-ops/contracts';
import { InferenceClient } from '@sentiment-ops/inference-client';
import { ComparisonReportRepository, createPgPool, DriftReportRepository, EvaluationRunRepository, ModelRegistryRepository, PredictionLogRepository } from '@sentiment-ops/persistence';
import { FlowProducer } from 'bullmq';
import { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { FLOW_PRODUCER, ModelEvaluationFlow } from './comparison/model-evaluation-flow';
import { DriftReportService } from './drift/drift-report.service';
import { DriftWindows } from './drift/drift-windows';
import { AlertWebhook } from './monitoring/alert-webhook';
import { MonitoringProcessor } from './monitoring/monitoring.processor';
import { WORKER_CONFIG, type WorkerConfig } from './config/worker.config';
import { datasetSourceProvider } from './evaluation/dataset-source.provider';
import { EvaluateDatasetService } from './evaluation/evaluate-dataset.service';
import { EvaluationProcessor } from './evaluation/evaluation.processor';
import { PatientEvaluationRunRepository } from './evaluation/patient-run-repository';
import { LiveLaneYield } from './evaluation/live-lane-yield';
import { FineTuneService } from './fine-tune/fine-tune.service';
import { HealthController } from './health/health.controller';
import { WorkerState } from './health/worker-state';
import { MetricsController } from './metrics/metrics.controller';
import { WorkerTelemetry } from './metrics/worker-telemetry';

export const PG_POOL = Symbol('PG_POOL');

/** Closes the connections the module's factories opened. */
@Injectable()
class ConnectionsLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(FLOW_PRODUCER) private readonly flows: FlowProducer,
    private readonly inference: InferenceClient,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.flows.close().catch(() => undefined);
    (this.flows.opts.connection as Redis).disconnect();
    await this.inference.close();
    await this.pool.end();
  }
}

/** The only module that registers job processors (the gateway only enqueues). */
@Module({})
export class WorkerModule {
  static register(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      controllers: [MetricsController, HealthController],
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        { provide: WorkerTelemetry, useValue: new WorkerTelemetry() },
        { provide: PG_POOL, useFactory: () => createPgPool({ url: config.databaseUrl, applicationName: 'evaluation-worker' }) },
        // Rides out Postgres outages, so a running evaluation waits instead of starting over.
        { provide: EvaluationRunRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new PatientEvaluationRunRepository(pool) },
        {
          provide: InferenceClient,
          useFactory: () =>
            new InferenceClient({ redisUrl: config.redis.url, redisPrefix: config.redis.prefix, defaultTimeoutMs: config.evaluation.inferenceTimeoutMs, defaultLane: InferenceLane.Bulk }),
        },
        {
          provide: FLOW_PRODUCER,
          useFactory: () => {
            const connection = new Redis(config.redis.url, { maxRetriesPerRequest: null });
            connection.on('error', () => undefined);
            return new FlowProducer({ connection, prefix: `${config.redis.prefix}:bull` });
          },
        },
        { provide: PredictionLogRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new PredictionLogRepository(pool) },
        { provide: DriftReportRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new DriftReportRepository(pool) },
        { provide: ComparisonReportRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new ComparisonReportRepository(pool) },
        { provide: ModelRegistryRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new ModelRegistryRepository(pool) },
        datasetSourceProvider,
        LiveLaneYield,
        EvaluateDatasetService,
        EvaluationProcessor,
        FineTuneService,
        AlertWebhook,
        DriftWindows,
        DriftReportService,
        ModelEvaluationFlow,
        MonitoringProcessor,
        WorkerState,
        ConnectionsLifecycle,
      ],
    };
  }
}
