import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  MONITORING_JOB_OPTIONS,
  MonitoringJobName,
  type DriftMonitoringJobData,
  type DriftRunParameters,
  type ModelEvaluationJobData,
} from '@sentiment-ops/contracts';
import { ComparisonReportRepository, DriftReportRepository } from '@sentiment-ops/persistence';
import type { Queue } from 'bullmq';
import { TooManyRequestsException } from '../common/too-many-requests.exception';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { MONITORING_QUEUE } from './monitoring-queue.provider';

/** States of jobs no worker has taken yet. */
const PENDING_STATES = ['waiting', 'prioritized', 'delayed'] as const;

export interface QueuedRun {
  jobId: string;
  reportId: string;
}

/**
 * Manual monitoring runs: records the report row first (so the API can answer with its id), then
 * adds the job with the report id as job id. A job that cannot be added fails its report with the
 * reason, instead of leaving it queued forever.
 */
@Injectable()
export class ManualRuns {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(MONITORING_QUEUE) private readonly queue: Queue,
    private readonly driftReports: DriftReportRepository,
    private readonly comparisonReports: ComparisonReportRepository,
  ) {}

  async modelEvaluation(requestedBy: string | null): Promise<QueuedRun> {
    await this.assertRoom();
    const reportId = randomUUID();
    await this.comparisonReports.createQueued({ id: reportId, trigger: 'manual', requestedBy });
    const data: ModelEvaluationJobData = { trigger: 'manual', reportId, requestedBy };
    await this.add(MonitoringJobName.ModelEvaluation, data, reportId, (error) => this.comparisonReports.fail(reportId, error));
    return { jobId: reportId, reportId };
  }

  async drift(parameters: Partial<DriftRunParameters>, requestedBy: string | null): Promise<QueuedRun> {
    await this.assertRoom();
    const reportId = randomUUID();
    await this.driftReports.create({ id: reportId, trigger: 'manual', requestedBy, parameters });
    const data: DriftMonitoringJobData = { trigger: 'manual', reportId, requestedBy, parameters };
    await this.add(MonitoringJobName.DriftMonitoring, data, reportId, (error) => this.driftReports.fail(reportId, error));
    return { jobId: reportId, reportId };
  }

  /** Manual jobs no worker has taken yet (scheduled ones are not counted: their schedulers bound them). */
  async pendingManualRuns(): Promise<number> {
    const limit = this.config.monitoring.maxPendingManualRuns;
    // Bounded read: enough to see past the limit beside the one pending job of each scheduler.
    const jobs = await this.queue.getJobs([...PENDING_STATES], 0, limit + 50);
    return jobs.filter((job) => (job?.data as { trigger?: string } | undefined)?.trigger === 'manual').length;
  }

  private async assertRoom(): Promise<void> {
    const limit = this.config.monitoring.maxPendingManualRuns;
    if (limit === 0) return;
    const pending = await this.pendingManualRuns();
    if (pending >= limit) {
      throw new TooManyRequestsException(
        `monitoring queue is full: ${pending} manual runs are waiting for a worker (limit ${limit}, MONITORING_MAX_PENDING); retry when the worker has taken some`,
        null,
      );
    }
  }

  private async add(name: string, data: ModelEvaluationJobData | DriftMonitoringJobData, reportId: string, fail: (error: string) => Promise<void>): Promise<void> {
    try {
      await this.queue.add(name, data, { ...MONITORING_JOB_OPTIONS, jobId: reportId });
    } catch (error) {
      await fail(`could not enqueue: ${(error as Error).message}`).catch(() => undefined);
      throw error;
    }
  }
}
