import { Inject, Injectable, Logger } from '@nestjs/common';
import { InferenceLane, type EvaluateDatasetJobData, type SentimentLabel } from '@sentiment-ops/contracts';
import { DatasetError, sampleRows, type DatasetSource } from '@sentiment-ops/datasets';
import { ConfusionMatrix, classificationReport } from '@sentiment-ops/evaluation';
import { InferenceClient, InferenceException, InferenceFailure } from '@sentiment-ops/inference-client';
import { EvaluationRunRepository } from '@sentiment-ops/persistence';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker.config';
import { WorkerTelemetry } from '../metrics/worker-telemetry';
import { DATASET_SOURCE } from './dataset-source.provider';
import { LiveLaneYield } from './live-lane-yield';

/** Why a job ended without a result; permanent ones are not retried. */
export class PermanentEvaluationError extends Error {
  override readonly name = 'PermanentEvaluationError';
}

export type EvaluationOutcome = 'completed' | 'cancelled';

export interface JobHandle {
  attempt: number;
  reportProgress(fraction: number): Promise<void>;
}

/**
 * One evaluation: draw the sample, stream it through the inference service on the bulk lane in
 * chunks (each after yielding to queued live traffic), score incrementally, store the result. A
 * retry starts over and replaces the previous attempt's result, so a run has exactly one result
 * row whatever happens.
 */
@Injectable()
export class EvaluateDatasetService {
  private readonly logger = new Logger(EvaluateDatasetService.name);

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(DATASET_SOURCE) private readonly source: DatasetSource,
    private readonly runs: EvaluationRunRepository,
    private readonly inference: InferenceClient,
    private readonly telemetry: WorkerTelemetry,
    private readonly liveLane: LiveLaneYield,
  ) {}

  async run(data: EvaluateDatasetJobData, job: JobHandle): Promise<EvaluationOutcome> {
    const { runId } = data;
    await this.runs.create(runId, data);
    if (await this.isCancelled(runId)) return 'cancelled';
    await this.runs.markRunning(runId, job.attempt);
    const started = Date.now();

    const sample = await sampleRows(this.source, data.dataset, data.split, {
      strategy: data.sampling,
      samples: data.samples,
      seed: data.seed,
      maxSamples: this.config.datasets.maxSamples,
    }).catch((error: unknown) => {
      throw error instanceof DatasetError ? new PermanentEvaluationError(error.message) : error;
    });
    if (sample.rows.length === 0) throw new PermanentEvaluationError(`${data.dataset}/${data.split} has no labelled rows to evaluate`);

    const matrix = new ConfusionMatrix();
    let resolvedModel: string | null = null;
    let modelVersion: string | null = null;
    const { chunkSize, inferenceTimeoutMs } = this.config.evaluation;
    for (let offset = 0; offset < sample.rows.length; offset += chunkSize) {
      if (await this.isCancelled(runId)) return 'cancelled';
      // Live traffic first: hold this chunk back while users' requests are queued.
      if ((await this.liveLane.beforeBulkRequest(runId, () => this.isCancelled(runId))) === 'cancelled') return 'cancelled';
      const chunk = sample.rows.slice(offset, offset + chunkSize);
      const response = await this.inference
        .predict(
          chunk.map((row) => row.text),
          { lane: InferenceLane.Bulk, timeoutMs: inferenceTimeoutMs, model: data.modelName ?? undefined },
        )
        .catch((error: unknown) => {
          // A request the replica refuses will be refused again: do not retry it.
          if (error instanceof InferenceException && (error.failure === InferenceFailure.ModelNotFound || error.failure === InferenceFailure.InvalidRequest)) {
            throw new PermanentEvaluationError(error.message);
          }
          throw error;
        });
      resolvedModel = response.model.name;
      modelVersion = response.model.version;
      matrix.addMany(
        chunk.map((row) => row.label),
        response.predictions.map((prediction) => prediction.label as SentimentLabel),
      );
      const done = Math.min(sample.rows.length, offset + chunk.length) / sample.rows.length;
      await job.reportProgress(done);
      await this.runs.updateProgress(runId, done);
    }

    if (!resolvedModel) throw new PermanentEvaluationError('no predictions were made');
    const report = classificationReport(matrix);
    const durationMs = Date.now() - started;
    await this.runs.complete(runId, { report, resolvedModel, modelVersion, samplesEvaluated: sample.rows.length, durationMs });
    this.telemetry.evaluation.recordReport({ modelName: resolvedModel, dataset: data.dataset, split: data.split }, report);
    this.logger.log(
      `run ${runId}: ${data.dataset}/${data.split} on ${resolvedModel} (${modelVersion}), ${sample.rows.length} rows in ${(durationMs / 1000).toFixed(1)} s: accuracy ${report.accuracy.toFixed(4)}, macro recall ${report.macroRecall.toFixed(4)}, macro F1 ${report.macroF1.toFixed(4)}`,
    );
    return 'completed';
  }

  private async isCancelled(runId: string): Promise<boolean> {
    return (await this.runs.get(runId))?.status === 'cancelled';
  }
}
