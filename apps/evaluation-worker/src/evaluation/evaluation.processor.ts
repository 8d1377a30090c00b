import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { JobName, QueueName, type EvaluateDatasetJobData, type FineTuneJobData } from '@sentiment-ops/contracts';
import { FineTuneService } from '../fine-tune/fine-tune.service';
import { EvaluationRunRepository } from '@sentiment-ops/persistence';
import { type Job, UnrecoverableError, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { closeWithinGrace, createQueueWorker } from '../common/queue-worker';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker.config';
import { WorkerTelemetry } from '../metrics/worker-telemetry';
import { EvaluateDatasetService, PermanentEvaluationError } from './evaluate-dataset.service';

/**
 * The BullMQ side of the worker: runs `evaluate-dataset` and `fine-tune` jobs with the configured concurrency,
 * turns permanent failures into UnrecoverableError (no retry), records the run's final state
 * when no retry is left, and closes gracefully (active jobs finish) on shutdown.
 */
@Injectable()
export class EvaluationProcessor implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(EvaluationProcessor.name);
  private worker?: Worker<EvaluateDatasetJobData | FineTuneJobData>;
  private connection?: Redis;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly evaluations: EvaluateDatasetService,
    private readonly runs: EvaluationRunRepository,
    private readonly telemetry: WorkerTelemetry,
    private readonly fineTunes: FineTuneService,
  ) {}

  start(): void {
    const { worker, connection } = createQueueWorker<EvaluateDatasetJobData | FineTuneJobData>(this.config, QueueName.Evaluation, (job) => this.process(job), {
      concurrency: this.config.evaluation.concurrency,
      name: this.config.workerId,
    });
    this.worker = worker;
    this.connection = connection;
    worker.on('error', (error) => this.logger.error(`worker error: ${error.message}`));
    worker.on('failed', (job, error) => job && this.logger.warn(`run ${job.id} attempt ${job.attemptsMade} failed: ${error.message}`));
  }

  private async process(job: Job<EvaluateDatasetJobData | FineTuneJobData>): Promise<string> {
    switch (job.name) {
      case JobName.EvaluateDataset:
        return this.evaluate(job as Job<EvaluateDatasetJobData>);
      case JobName.FineTune:
        return this.fineTunes.run((job as Job<FineTuneJobData>).data).catch((error: unknown) => {
          throw error instanceof PermanentEvaluationError ? new UnrecoverableError(error.message) : error;
        });
      default:
        throw new UnrecoverableError(`no handler for job ${job.name}`);
    }
  }

  private async evaluate(job: Job<EvaluateDatasetJobData>): Promise<string> {
    const started = Date.now();
    // Failed attempts and stalls (a worker that died holding the job) both count as tries.
    const attempt = job.attemptsMade + job.stalledCounter + 1;
    const maxAttempts = job.opts.attempts ?? 1;
    try {
      const outcome = await this.evaluations.run(job.data, { attempt, reportProgress: (fraction) => job.updateProgress(Math.round(fraction * 100)) });
      this.observe(outcome, started);
      return outcome;
    } catch (error) {
      const message = (error as Error).message;
      const permanent = error instanceof PermanentEvaluationError;
      // BullMQ retries failures (not stalls) up to `attempts`: the last failure is final.
      if (permanent || job.attemptsMade + 1 >= maxAttempts) {
        await this.runs.fail(job.data.runId, message).catch((cause: Error) => this.logger.error(`run ${job.data.runId}: could not record failure: ${cause.message}`));
        this.observe('failed', started);
      }
      throw permanent ? new UnrecoverableError(message) : error;
    }
  }

  private observe(state: string, started: number): void {
    this.telemetry.evaluation.jobsTotal.inc({ state });
    this.telemetry.evaluation.jobDuration.observe({ state }, (Date.now() - started) / 1000);
  }

  /**
   * Lets active jobs finish for SHUTDOWN_GRACE_MS; past that, leaves them to stalled-job recovery by
   * another worker. Runs before every onApplicationShutdown hook: those close the inference client
   * and the Postgres pool (in parallel), which the active jobs still need.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.worker && (await closeWithinGrace(this.worker, this.config.evaluation.shutdownGraceMs)) === 'timeout') {
      this.logger.warn('shutdown grace elapsed: active evaluations are left for another worker');
    }
  }

  onApplicationShutdown(): void {
    this.connection?.disconnect();
  }
}
