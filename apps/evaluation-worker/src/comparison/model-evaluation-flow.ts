import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  EVALUATION_JOB_OPTIONS,
  JobName,
  MONITORING_JOB_OPTIONS,
  MonitoringJobName,
  MonitoringQueueName,
  QueueName,
  type ComparisonReport,
  type ComparisonReportJobData,
  type EvaluateDatasetJobData,
  type ModelEvaluationJobData,
} from '@sentiment-ops/contracts';
import { ComparisonReportRepository, EvaluationRunRepository, ModelRegistryRepository } from '@sentiment-ops/persistence';
import { renderComparisonChart } from '@sentiment-ops/report-charts';
import type { FlowProducer, Job } from 'bullmq';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker.config';
import { WorkerTelemetry } from '../metrics/worker-telemetry';
import { comparisonDeltas, renderComparisonMarkdown, toEntry } from './comparison-analysis';
import { comparisonTargets } from './comparison-targets';

export const FLOW_PRODUCER = Symbol('FLOW_PRODUCER');

/** The parent's job id: custom BullMQ ids may not contain ':' and must differ from the triggering job's. */
export const comparisonParentJobId = (reportId: string): string => `comparison-${reportId}`;

/**
 * The model-evaluation schedule as a BullMQ flow: one child evaluate-dataset job per model ×
 * dataset (on the evaluation queue, processed like any evaluation), and a parent that BullMQ runs
 * only once every child has finished, completed or failed, so the report never waits on a timer and
 * never misses a late child. A failed child does not fail the parent (ignoreDependencyOnFailure):
 * the report is written and flagged partial, naming the child and its error.
 */
@Injectable()
export class ModelEvaluationFlow {
  private readonly logger = new Logger(ModelEvaluationFlow.name);

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(FLOW_PRODUCER) private readonly flows: FlowProducer,
    private readonly reports: ComparisonReportRepository,
    private readonly runs: EvaluationRunRepository,
    private readonly registry: ModelRegistryRepository,
    private readonly telemetry: WorkerTelemetry,
  ) {}

  /** Records the report and its children, then adds the flow. Idempotent: a retry reuses the stored run ids and job ids. */
  async start(reportId: string, data: ModelEvaluationJobData): Promise<ComparisonReport> {
    const targets = comparisonTargets(this.config);
    const report = await this.reports.start({ id: reportId, trigger: data.trigger, requestedBy: data.requestedBy ?? null, targets, runIds: targets.map(() => randomUUID()) });
    const { seed } = this.config.modelEvaluation;
    // One registry lookup per model, not per model × dataset.
    const resolved = new Map<string, Promise<string>>();
    const resolveOnce = (reference: string): Promise<string> => {
      if (!resolved.has(reference)) resolved.set(reference, this.resolveModel(reference));
      return resolved.get(reference) as Promise<string>;
    };
    const children = await Promise.all(
      report.targets.map(async (target, index) => {
        const runId = report.runIds[index];
        const modelName = target.model === null ? null : await resolveOnce(target.model);
        const params = { dataset: target.dataset, split: target.split, samples: target.samples, sampling: 'random' as const, seed, modelName };
        return { runId, params };
      }),
    );
    for (const { runId, params } of children) await this.runs.create(runId, params);
    await this.flows.add({
      name: MonitoringJobName.ComparisonReport,
      queueName: MonitoringQueueName,
      data: { reportId, runIds: report.runIds } satisfies ComparisonReportJobData,
      opts: { ...MONITORING_JOB_OPTIONS, jobId: comparisonParentJobId(reportId) },
      children: children.map(({ runId, params }) => ({
        name: JobName.EvaluateDataset,
        queueName: QueueName.Evaluation,
        data: { ...params, runId } satisfies EvaluateDatasetJobData,
        opts: { ...EVALUATION_JOB_OPTIONS, jobId: runId, ignoreDependencyOnFailure: true },
      })),
    });
    this.logger.log(`comparison ${reportId}: flow of ${children.length} evaluation(s) queued (${data.trigger})`);
    return report;
  }

  /**
   * A registry reference (`name`, `name@3`, `name@candidate`) becomes its version's folder, resolved at
   * each run so an alias moved since the last one is honoured; anything else goes to the replicas as
   * given (an unknown reference then fails its child, and the report says why).
   */
  private async resolveModel(reference: string): Promise<string> {
    try {
      return (await this.registry.resolve(reference))?.uri ?? reference;
    } catch (error) {
      this.logger.warn(`model reference ${reference} not resolved: ${(error as Error).message}`);
      return reference;
    }
  }

  /** The parent: runs after every child finished. */
  async writeReport(job: Job<ComparisonReportJobData>): Promise<ComparisonReport> {
    const { reportId } = job.data;
    const report = await this.reports.get(reportId);
    if (!report) throw new Error(`comparison report ${reportId} does not exist`);
    // Children that failed for good: their run row says why; BullMQ's reason covers a row that never got there.
    const failures = new Map(Object.entries(await job.getIgnoredChildrenFailures()).map(([key, reason]) => [key.slice(key.lastIndexOf(':') + 1), reason]));
    const entries = await Promise.all(report.targets.map(async (target, index) => toEntry(target, report.runIds[index], await this.runs.get(report.runIds[index]), failures.get(report.runIds[index]))));
    const deltas = comparisonDeltas(entries);
    const partial = entries.some((entry) => entry.status !== 'completed');
    const finished: ComparisonReport = { ...report, status: 'completed', entries, deltas, partial };
    const png = await renderComparisonChart(finished);
    await this.reports.complete(reportId, { entries, deltas, partial, markdown: renderComparisonMarkdown(report, entries, deltas), png });
    this.telemetry.drift.scheduledRunsTotal.inc({ schedule: 'model-evaluation', outcome: partial ? 'partial' : 'completed' });
    this.logger.log(`comparison ${reportId}: ${entries.length - entries.filter((e) => e.status !== 'completed').length}/${entries.length} evaluations completed${partial ? ' (partial report)' : ''}`);
    return finished;
  }

  async fail(reportId: string, message: string): Promise<void> {
    this.telemetry.drift.scheduledRunsTotal.inc({ schedule: 'model-evaluation', outcome: 'failed' });
    await this.reports.fail(reportId, message).catch((error: Error) => this.logger.error(`comparison ${reportId}: could not record failure: ${error.message}`));
  }
}
