import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { QueueName, type EvaluateDatasetJobData } from '@sentiment-ops/contracts';
import type { Queue } from 'bullmq';
import { closeProducerQueue, producerQueue } from '../common/producer-queue';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';

export const EVALUATION_QUEUE = Symbol('EVALUATION_QUEUE');

/** The gateway only produces evaluation jobs; the evaluation worker consumes them. */
export const evaluationQueueProvider: Provider = {
  provide: EVALUATION_QUEUE,
  inject: [GATEWAY_CONFIG],
  useFactory: (config: GatewayConfig) => producerQueue<EvaluateDatasetJobData>(config, QueueName.Evaluation),
};

@Injectable()
export class EvaluationQueueLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVALUATION_QUEUE) private readonly queue: Queue) {}

  onApplicationShutdown(): Promise<void> {
    return closeProducerQueue(this.queue);
  }
}
