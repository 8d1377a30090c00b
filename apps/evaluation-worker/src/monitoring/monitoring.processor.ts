import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { MonitoringJobName, MonitoringQueueName, type ComparisonReportJobData, type DriftMonitoringJobData, type ModelEvaluationJobData } from '@sentiment-ops/contracts';
import { type Job, UnrecoverableError, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { closeWithinGrace, createQueueWorker } from '../common/queue-worker';
import { ModelEvaluationFlow } from '../comparison/model-evaluation-flow';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker.config';
import { DriftReportService } from '../drift/drift-report.service';
import { DriftInputError } from '../drift/drift-windows';

type MonitoringJobData = ModelEvaluationJobData | ComparisonReportJobData | DriftMonitoringJobData;

/**
 * Runs the monitoring queue: the two schedules' jobs (scheduled or manual) and the parents of
 * model-evaluation flows, one at a time (their own work is light; evaluations run on the
 * evaluation queue). A scheduled job gets its report id on first attempt, so retries update the
 * same report instead of starting a second one.
 */
@Injectable()
export class MonitoringProcessor implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(MonitoringProcessor.name);
  private worker?: Worker<MonitoringJobData>;
  private connection?: Redis;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly flow: ModelEvaluationFlow,
    private readonly drift: DriftReportService,
  ) {}

  start(): void {
    const { worker, connection } = createQueueWorker<MonitoringJobData>(this.config, MonitoringQueueName, (job) => this.process(job), {
      concurrency: 1,
      name: `${this.config.workerId}:monitoring`,
    });
    this.worker = worker;
    this.connection = connection;
    worker.on('error', (error) => this.logger.error(`monitoring worker error: ${error.message}`));
    worker.on('failed', (job, error) => job && this.logger.warn(`${job.name} ${job.id} attempt ${job.attemptsMade} failed: ${error.message}`));
  }

  private async process(job: Job<MonitoringJobData>): Promise<string> {
    switch (job.name) {
      case MonitoringJobName.ModelEvaluation: {
        const reportId = await this.reportIdOf(job as Job<ModelEvaluationJobData>);
        return this.finalOnFailure(job, reportId, (message) => this.flow.fail(reportId, message), async () => {
          await this.flow.start(reportId, (job as Job<ModelEvaluationJobData>).data);
          return reportId;
        });
      }
      case MonitoringJobName.ComparisonReport: {
        const { reportId } = (job as Job<ComparisonReportJobData>).data;
        return this.finalOnFailure(job, reportId, (message) => this.flow.fail(reportId, message), async () => (await this.flow.writeReport(job as Job<ComparisonReportJobData>)).id);
      }
      case MonitoringJobName.DriftMonitoring: {
        const reportId = await this.reportIdOf(job as Job<DriftMonitoringJobData>);
        return this.finalOnFailure(job, reportId, (message) => this.drift.fail(reportId, message), async () => {
          await this.drift.run(reportId, (job as Job<DriftMonitoringJobData>).data);
          return reportId;
        });
      }
      default:
        throw new UnrecoverableError(`no handler for job ${job.name}`);
    }
  }

  private async reportIdOf(job: Job<ModelEvaluationJobData | DriftMonitoringJobData>): Promise<string> {
    if (job.data.reportId) return job.data.reportId;
    const reportId = randomUUID();
    await job.updateData({ ...job.data, reportId });
    return reportId;
  }

  /** Records the failure on the report when no retry is left (or the input can never work), then rethrows for BullMQ. */
  private async finalOnFailure(job: Job, reportId: string, recordFailure: (message: string) => Promise<void>, work: () => Promise<string>): Promise<string> {
    try {
      return await work();
    } catch (error) {
      const message = (error as Error).message;
      const permanent = error instanceof DriftInputError || error instanceof UnrecoverableError;
      if (permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await recordFailure(message);
      this.logger.warn(`${job.name} ${reportId}: ${message}`);
      throw permanent ? new UnrecoverableError(message) : error;
    }
  }

  /** Lets a running report finish within the shutdown grace, like evaluations. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.worker) await closeWithinGrace(this.worker, this.config.evaluation.shutdownGraceMs);
  }

  onApplicationShutdown(): void {
    this.connection?.disconnect();
  }
}
