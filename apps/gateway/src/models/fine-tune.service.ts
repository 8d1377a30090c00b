import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { FINE_TUNE_JOB_OPTIONS, JobName, type FineTuneAcceptedDto, type FineTuneBody, type FineTuneJobData } from '@sentiment-ops/contracts';
import { getDataset, isDatasetError } from '@sentiment-ops/datasets';
import { TrainingRunRepository, type TrainingRun } from '@sentiment-ops/persistence';
import type { Queue } from 'bullmq';
import { fieldError } from '../common/request-validation';
import { EVALUATION_QUEUE } from '../evaluations/evaluation-queue.provider';
import { ModelReferenceResolver } from './model-reference.resolver';

/** Queues fine-tuning jobs (run by the evaluation worker) and reads their training runs. */
@Injectable()
export class FineTuneService {
  constructor(
    @Inject(EVALUATION_QUEUE) private readonly queue: Queue,
    private readonly runs: TrainingRunRepository,
    private readonly models: ModelReferenceResolver,
  ) {}

  async enqueue(body: FineTuneBody): Promise<FineTuneAcceptedDto> {
    let dataset;
    try {
      dataset = getDataset(body.dataset);
    } catch (error) {
      if (isDatasetError(error)) throw fieldError('body', 'dataset', `${error.message}; valid: ${(error.validValues ?? []).join(', ')}`, 'unknown_dataset');
      throw error;
    }
    if (!dataset.splits.includes(body.split)) throw fieldError('body', 'split', `unknown split "${body.split}" of ${dataset.name}; valid: ${dataset.splits.join(', ')}`, 'unknown_split');
    if (body.split === 'test') throw fieldError('body', 'split', 'the test split is for reporting only: train on train or validation', 'test_split');
    const baseFolder = await this.models.resolve(body.base, 'base', 'body');
    const outputName = body.name ?? `${body.base.split('@')[0].replace(/[^A-Za-z0-9._-]/g, '-')}-${dataset.name.split('/').pop()}`;

    const runId = randomUUID();
    const data: FineTuneJobData = { runId, base: body.base, baseFolder, dataset: dataset.name, split: body.split, samples: body.samples ?? null, holdout: body.holdout, seed: body.seed, outputName };
    // The row exists from now on, so the status URL answers at once; the worker continues it.
    await this.runs.start({ id: runId, kind: 'fine-tune', dataset: dataset.name, split: body.split, baseModel: body.base, parameters: { samples: data.samples, holdout: data.holdout, seed: data.seed } });
    try {
      await this.queue.add(JobName.FineTune, data, { ...FINE_TUNE_JOB_OPTIONS, jobId: runId });
    } catch (error) {
      await this.runs.fail(runId, `could not enqueue: ${(error as Error).message}`).catch(() => undefined);
      throw error;
    }
    return { jobId: runId, status: 'queued', statusUrl: `/api/v1/models/training-runs/${runId}`, name: outputName };
  }

  async get(id: string): Promise<TrainingRun> {
    const run = await this.runs.get(id);
    if (!run) throw new NotFoundException(`training run ${id} not found`);
    return run;
  }
}
