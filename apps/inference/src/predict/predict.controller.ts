import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { InferencePattern, type ModelDescriptor, type PingResponse, type PredictResponse } from '@sentiment-ops/contracts';
import { RedisStreamsContext } from '@sentiment-ops/redis-rpc';
import { PredictService } from './predict.service';

@Controller()
export class PredictController {
  constructor(private readonly predictions: PredictService) {}

  @MessagePattern(InferencePattern.Predict)
  predict(@Payload() payload: unknown, @Ctx() context: RedisStreamsContext): Promise<PredictResponse> {
    return this.predictions.predict(payload, { lane: context.lane, enqueuedAt: context.enqueuedAt });
  }

  @MessagePattern(InferencePattern.ResolveModel)
  resolveModel(@Payload() payload: unknown): Pick<ModelDescriptor, 'name' | 'source' | 'revision' | 'dtype'> {
    return this.predictions.resolveModel(payload);
  }

  @MessagePattern(InferencePattern.Ping)
  ping(): Promise<PingResponse> {
    return this.predictions.ping();
  }
}
