import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { MonitoringQueueName } from '@sentiment-ops/contracts';
import { ComparisonReportRepository, DriftReportRepository, ScheduleRepository } from '@sentiment-ops/persistence';
import { ScheduleManager } from '@sentiment-ops/scheduling';
import type { Queue } from 'bullmq';
import type { Pool } from 'pg';
import { PG_POOL } from '../common/pg-pool.lifecycle';
import { closeProducerQueue, producerQueue } from '../common/producer-queue';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';

export const MONITORING_QUEUE = Symbol('MONITORING_QUEUE');

/** The gateway adds manual runs and applies schedule changes; the evaluation worker consumes. */
export const monitoringQueueProvider: Provider = {
  provide: MONITORING_QUEUE,
  inject: [GATEWAY_CONFIG],
  useFactory: (config: GatewayConfig) => producerQueue(config, MonitoringQueueName),
};

@Injectable()
export class MonitoringQueueLifecycle implements OnApplicationShutdown {
  constructor(@Inject(MONITORING_QUEUE) private readonly queue: Queue) {}

  onApplicationShutdown(): Promise<void> {
    return closeProducerQueue(this.queue);
  }
}

/** Repositories of schedules and reports, and the manager that keeps BullMQ's schedulers in step. */
export const monitoringProviders: Provider[] = [
  monitoringQueueProvider,
  MonitoringQueueLifecycle,
  { provide: ScheduleRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new ScheduleRepository(pool) },
  { provide: DriftReportRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new DriftReportRepository(pool) },
  { provide: ComparisonReportRepository, inject: [PG_POOL], useFactory: (pool: Pool) => new ComparisonReportRepository(pool) },
  { provide: ScheduleManager, inject: [MONITORING_QUEUE, ScheduleRepository], useFactory: (queue: Queue, repository: ScheduleRepository) => new ScheduleManager(queue, repository) },
];
