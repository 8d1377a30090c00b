import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway.config';
import { HealthController } from './health/health.controller';
import { ReadinessService } from './health/readiness.service';
import { RedisHealthIndicator } from './health/redis-health';
import { SystemHealthService } from './health/system-health.service';
import { inferenceClientProvider } from './inference/inference-client.provider';
import { InferenceClientLifecycle } from './inference/inference-client.lifecycle';
import { GatewayTelemetry } from './metrics/gateway-telemetry';
import { MetricsController } from './metrics/metrics.controller';
import { SentimentController } from './sentiment/sentiment.controller';
import { SentimentService } from './sentiment/sentiment.service';
import { UiController } from './ui/ui.controller';

@Module({})
export class AppModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false })],
      controllers: [SentimentController, HealthController, MetricsController, UiController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: GatewayTelemetry, useValue: new GatewayTelemetry() },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        inferenceClientProvider,
        InferenceClientLifecycle,
        SentimentService,
        RedisHealthIndicator,
        SystemHealthService,
        ReadinessService,
      ],
    };
  }
}
