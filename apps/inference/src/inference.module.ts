import { type DynamicModule, Module } from '@nestjs/common';
import { INFERENCE_CONFIG, type InferenceConfig } from './config/inference.config';
import { HealthController } from './health/health.controller';
import { RpcServerState } from './health/rpc-server-state';
import { InferenceTelemetry } from './metrics/inference-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { ModelPreloader } from './model/model-preloader';
import { ModelService } from './model/model.service';
import { PredictController } from './predict/predict.controller';
import { PredictService } from './predict/predict.service';

@Module({})
export class InferenceModule {
  static register(config: InferenceConfig): DynamicModule {
    return {
      module: InferenceModule,
      controllers: [PredictController, HealthController, MetricsController],
      providers: [
        { provide: INFERENCE_CONFIG, useValue: config },
        { provide: InferenceTelemetry, useValue: new InferenceTelemetry(config.replicaId) },
        RpcServerState,
        ModelService,
        ModelPreloader,
        PredictService,
      ],
    };
  }
}
