import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ApiKeyRepository, createPgPool, EvaluationRunRepository, ModelRegistryRepository, PredictionLogRepository, TrainingRunRepository } from '@sentiment-ops/persistence';
import { AccessGuard } from './auth/access.guard';
import { liveLaneBudgetProvider } from './backpressure/live-lane-budget.provider';
import { ApiKeyStore } from './auth/api-key.store';
import { ApiKeysController } from './keys/api-keys.controller';
import { ApiKeysService } from './keys/api-keys.service';
import { RateLimitStore } from './rate-limit/rate-limit.store';
import { RequestRateLimiter } from './rate-limit/request-rate-limiter';
import { FineTuneService } from './models/fine-tune.service';
import { ModelPreloadPublisher } from './models/model-preload.publisher';
import { ModelReferenceResolver } from './models/model-reference.resolver';
import { ModelsController } from './models/models.controller';
import type { Pool } from 'pg';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { PG_POOL, PgPoolLifecycle } from './common/pg-pool.lifecycle';
import { EvaluationQueueLifecycle, evaluationQueueProvider } from './evaluations/evaluation-queue.provider';
import { EvaluationsController } from './evaluations/evaluations.controller';
import { EvaluationsService } from './evaluations/evaluations.service';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway.config';
import { HealthController } from './health/health.controller';
import { ReadinessService } from './health/readiness.service';
import { RedisHealthIndicator } from './health/redis-health';
import { SystemHealthService } from './health/system-health.service';
import { inferenceClientProvider } from './inference/inference-client.provider';
import { InferenceClientLifecycle } from './inference/inference-client.lifecycle';
import { GatewayTelemetry } from './metrics/gateway-telemetry';
import { MetricsController } from './metrics/metrics.controller';
import { ComparisonsController } from './monitoring/comparisons/comparisons.controller';
import { ComparisonsService } from './monitoring/comparisons/comparisons.service';
import { DriftController } from './monitoring/drift/drift.controller';
import { DriftService } from './monitoring/drift/drift.service';
import { ManualRuns } from './monitoring/manual-runs';
import { monitoringProviders } from './monitoring/monitoring-queue.provider';
import { SchedulesController } from './monitoring/schedules/schedules.controller';
import { SchedulesService } from './monitoring/schedules/schedules.service';
import { PREDICTION_LOG_RANDOM, PredictionLogWriter } from './prediction-log/prediction-log.writer';
import { PredictionLogRetention } from './prediction-log/prediction-log.retention';
import { SentimentController } from './sentiment/sentiment.controller';
import { SentimentService } from './sentiment/sentiment.service';
import { UiController } from './ui/ui.controller';

/** Every controller: the start-up access audit and the route table test read this list. */
export const GATEWAY_CONTROLLERS = [
  SentimentController,
  EvaluationsController,
  SchedulesController,
  DriftController,
  ComparisonsController,
  ModelsController,
  ApiKeysController,
  HealthController,
  MetricsController,
  UiController,
];

@Module({})
export class AppModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false })],
      controllers: GATEWAY_CONTROLLERS,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: GatewayTelemetry, useValue: new GatewayTelemetry() },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        AccessGuard,
        { provide: APP_GUARD, useExisting: AccessGuard },
        inferenceClientProvider,
        InferenceClientLifecycle,
        liveLaneBudgetProvider,
        SentimentService,
        { provide: PG_POOL, useFactory: () => createPgPool({ url: config.databaseUrl, applicationName: 'gateway' }) },
        { provide: EvaluationRunRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new EvaluationRunRepository(pool) },
        PgPoolLifecycle,
        evaluationQueueProvider,
        EvaluationQueueLifecycle,
        EvaluationsService,
        ...monitoringProviders,
        ManualRuns,
        SchedulesService,
        DriftService,
        ComparisonsService,
        { provide: ModelRegistryRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new ModelRegistryRepository(pool) },
        ModelReferenceResolver,
        { provide: TrainingRunRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new TrainingRunRepository(pool) },
        FineTuneService,
        { provide: ApiKeyRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new ApiKeyRepository(pool) },
        ApiKeyStore,
        ApiKeysService,
        { provide: PredictionLogRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new PredictionLogRepository(pool) },
        { provide: PREDICTION_LOG_RANDOM, useValue: Math.random },
        PredictionLogWriter,
        PredictionLogRetention,
        RateLimitStore,
        RequestRateLimiter,
        ModelPreloadPublisher,
        RedisHealthIndicator,
        SystemHealthService,
        ReadinessService,
      ],
    };
  }
}
