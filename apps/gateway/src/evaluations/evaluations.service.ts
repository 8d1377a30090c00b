import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  EVALUATION_JOB_OPTIONS,
  JobName,
  type EvaluateDatasetJobData,
  type EvaluateQuery,
  type EvaluationAcceptedDto,
  type EvaluationListQuery,
  type EvaluationParameters,
  type EvaluationRun,
} from '@sentiment-ops/contracts';
import { getDataset, isDatasetError } from '@sentiment-ops/datasets';
import { InferenceClient, InferenceException, InferenceFailure } from '@sentiment-ops/inference-client';
import { EvaluationRunRepository, type EvaluationQuotaExceeded } from '@sentiment-ops/persistence';
import type { Queue } from 'bullmq';
import { fieldError } from '../common/request-validation';
import { TooManyRequestsException } from '../common/too-many-requests.exception';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { GatewayTelemetry } from '../metrics/gateway-telemetry';
import { ModelReferenceResolver } from '../models/model-reference.resolver';
import { EVALUATION_QUEUE } from './evaluation-queue.provider';

@Injectable()
export class EvaluationsService {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(EVALUATION_QUEUE) private readonly queue: Queue<EvaluateDatasetJobData>,
    private readonly runs: EvaluationRunRepository,
    private readonly inference: InferenceClient,
    private readonly models: ModelReferenceResolver,
    private readonly telemetry: GatewayTelemetry,
  ) {}

  /**
   * Validates everything that can be known up front, records the run (within the owner key's
   * quotas), then enqueues it. `owner` is the calling key's name.
   */
  async enqueue(query: EvaluateQuery, owner: string | null): Promise<EvaluationAcceptedDto> {
    const dataset = this.resolveDataset(query.dataset);
    if (!dataset.splits.includes(query.split)) {
      throw fieldError('query', 'split', `unknown split "${query.split}" of ${dataset.name}; valid: ${dataset.splits.join(', ')}`, 'unknown_split');
    }
    const samples = query.samples ?? null;
    if (samples !== null && samples > this.config.evaluation.maxSamples) {
      throw fieldError('query', 'samples', `must be at most ${this.config.evaluation.maxSamples} (MAX_EVAL_SAMPLES)`, 'too_big');
    }
    const modelName = query.model_name ? await this.models.resolve(query.model_name, 'model_name', 'query') : null;
    if (modelName) await this.checkModel(modelName);

    const runId = randomUUID();
    const params = { dataset: dataset.name, split: query.split, samples, sampling: query.sampling, seed: query.seed, modelName };
    await this.record(runId, params, owner);
    try {
      await this.queue.add(JobName.EvaluateDataset, { ...params, runId }, { ...EVALUATION_JOB_OPTIONS, jobId: runId });
    } catch (error) {
      // No job will ever pick the run up: record why instead of leaving it queued forever.
      await this.runs.fail(runId, `could not enqueue: ${(error as Error).message}`).catch(() => undefined);
      throw error;
    }
    return {
      jobId: runId,
      status: 'queued',
      statusUrl: `/api/v1/evaluations/${runId}`,
      message: `Model evaluation started on ${dataset.name} (${query.split})`,
      dataset: dataset.name,
      split: query.split,
      samples,
      model: query.model_name ?? 'default',
    };
  }

  private async record(runId: string, params: EvaluationParameters, owner: string | null): Promise<void> {
    if (owner === null) {
      await this.runs.create(runId, params);
      return;
    }
    const now = new Date();
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const { maxConcurrentPerKey, dailyPerKey } = this.config.evaluation;
    const created = await this.runs.createOwned(runId, params, owner, { maxActive: maxConcurrentPerKey, maxPerDay: dailyPerKey, dayStart });
    if ('exceeded' in created) throw this.quotaError(owner, created.exceeded, now, dayStart);
  }

  private quotaError(owner: string, exceeded: EvaluationQuotaExceeded, now: Date, dayStart: Date): TooManyRequestsException {
    this.telemetry.security.quotaExceededTotal.inc({ quota: exceeded.quota });
    if (exceeded.quota === 'active') {
      return new TooManyRequestsException(
        `evaluation quota EVAL_MAX_CONCURRENT_PER_KEY reached: API key ${owner} already has ${exceeded.used} queued or running evaluations (limit ${exceeded.limit}); retry when one finishes, or cancel one`,
        null,
      );
    }
    const retryAfter = Math.ceil((dayStart.getTime() + 86_400_000 - now.getTime()) / 1000);
    return new TooManyRequestsException(
      `evaluation quota EVAL_DAILY_PER_KEY reached: API key ${owner} queued ${exceeded.used} evaluations today (limit ${exceeded.limit} per UTC day); it resets at 00:00 UTC`,
      retryAfter,
    );
  }

  async get(id: string): Promise<EvaluationRun> {
    const run = await this.runs.get(id);
    if (!run) throw new NotFoundException(`evaluation ${id} not found`);
    return run;
  }

  async list(query: EvaluationListQuery) {
    const { items, total } = await this.runs.list({
      modelName: query.model_name,
      dataset: query.dataset ? this.resolveDataset(query.dataset).name : undefined,
      split: query.split,
      status: query.status,
      limit: query.limit,
      offset: query.offset,
    });
    return { items, total, limit: query.limit, offset: query.offset };
  }

  /** Cancels a queued or running evaluation; a running one stops at its next chunk. */
  async cancel(id: string): Promise<EvaluationRun> {
    const run = await this.get(id);
    if (!(await this.runs.cancel(id))) throw new ConflictException(`evaluation ${id} is already ${run.status}`);
    const job = await this.queue.getJob(id);
    if (job && ((await job.isWaiting()) || (await job.isDelayed()))) await job.remove().catch(() => undefined);
    return this.get(id);
  }

  private resolveDataset(name: string) {
    try {
      return getDataset(name);
    } catch (error) {
      if (isDatasetError(error)) throw fieldError('query', 'dataset', `${error.message}${error.validValues ? `; valid: ${error.validValues.join(', ')}` : ''}`, 'unknown_dataset');
      throw error;
    }
  }

  private async checkModel(model: string): Promise<void> {
    try {
      await this.inference.resolveModel(model, this.config.health.timeoutMs);
    } catch (error) {
      if (error instanceof InferenceException && error.failure === InferenceFailure.ModelNotFound) {
        throw fieldError('query', 'model_name', error.message, 'unknown_model');
      }
      throw error;
    }
  }
}
