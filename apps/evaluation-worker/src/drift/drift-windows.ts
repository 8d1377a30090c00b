import { Inject, Injectable } from '@nestjs/common';
import {
  countCodePoints,
  InferenceLane,
  type DatasetWindow,
  type DriftRunParameters,
  type DriftWindowSummary,
  type TimeWindow,
} from '@sentiment-ops/contracts';
import { DatasetError, sampleRows, type DatasetSource } from '@sentiment-ops/datasets';
import type { CalibrationRow, PredictionFeatures } from '@sentiment-ops/drift';
import { InferenceClient } from '@sentiment-ops/inference-client';
import { PredictionLogRepository } from '@sentiment-ops/persistence';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker.config';
import { DATASET_SOURCE } from '../evaluation/dataset-source.provider';
import { LiveLaneYield } from '../evaluation/live-lane-yield';

const HOUR_MS = 3_600_000;

/** A drift run whose inputs cannot exist (unknown dataset, bad window): not retried. */
export class DriftInputError extends Error {
  override readonly name = 'DriftInputError';
}

export interface LoadedWindow {
  summary: DriftWindowSummary;
  rows: PredictionFeatures[];
}

/** Predictions of the model on labelled rows: the features, and whether each was right. */
export interface LabelledPredictions {
  rows: PredictionFeatures[];
  calibration: CalibrationRow[];
  model: string;
}

/**
 * Reads the two sides of a drift comparison: time windows of the prediction log (a bounded
 * uniform sample), or the model's own predictions on a labelled dataset split (computed on the bulk
 * lane, behind live traffic), which also calibrate the label-free accuracy estimate.
 */
@Injectable()
export class DriftWindows {
  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(DATASET_SOURCE) private readonly datasets: DatasetSource,
    private readonly log: PredictionLogRepository,
    private readonly inference: InferenceClient,
    private readonly liveLane: LiveLaneYield,
  ) {}

  /** The job's parameters completed with the configured defaults, relative to `now`. */
  async resolve(requested: Partial<DriftRunParameters>, now: Date): Promise<DriftRunParameters> {
    const { drift } = this.config;
    const current: TimeWindow = requested.current ?? { kind: 'log', from: new Date(now.getTime() - drift.currentHours * HOUR_MS).toISOString(), to: now.toISOString() };
    const referenceEnd = new Date(current.from);
    const reference =
      requested.reference ??
      (drift.referenceDataset
        ? { kind: 'dataset' as const, ...drift.referenceDataset, samples: drift.referenceSamples, seed: 42 }
        : { kind: 'log' as const, from: new Date(referenceEnd.getTime() - drift.referenceDays * 24 * HOUR_MS).toISOString(), to: referenceEnd.toISOString() });
    const model = requested.model ?? drift.model ?? (await this.log.busiestModel(new Date(current.from), new Date(current.to)));
    return { model, reference, current };
  }

  async fromLog(window: TimeWindow, model: string | null, description: string): Promise<LoadedWindow> {
    const { entries, total } = await this.log.sampleWindow(new Date(window.from), new Date(window.to), { model: model ?? undefined, limit: this.config.drift.maxWindowRows });
    const sampled = total > entries.length ? `, a random ${entries.length} of ${total} logged` : '';
    return {
      summary: { kind: 'log', description: `${description}${sampled}`, from: window.from, to: window.to, rows: entries.length },
      rows: entries.map((entry) => ({ textLength: entry.textLength, confidence: entry.confidence, label: entry.label, probabilities: entry.probabilities })),
    };
  }

  async fromDataset(window: DatasetWindow, model: string | null): Promise<LoadedWindow & LabelledPredictions> {
    const predictions = await this.predictLabelled(window.dataset, window.split, window.samples, window.seed, model);
    return {
      ...predictions,
      summary: { kind: 'dataset', description: `${predictions.model} on ${window.dataset}/${window.split} (${predictions.rows.length} labelled rows, seed ${window.seed})`, from: null, to: null, rows: predictions.rows.length },
    };
  }

  /** Runs the model over a random labelled sample of a split, in chunks on the bulk lane. */
  async predictLabelled(dataset: string, split: string, samples: number, seed: number, model: string | null): Promise<LabelledPredictions> {
    const sample = await sampleRows(this.datasets, dataset, split, { strategy: 'random', samples, seed, maxSamples: this.config.datasets.maxSamples }).catch((error: unknown) => {
      throw error instanceof DatasetError ? new DriftInputError(error.message) : error;
    });
    if (sample.rows.length === 0) throw new DriftInputError(`${dataset}/${split} has no labelled rows`);
    const rows: PredictionFeatures[] = [];
    const calibration: CalibrationRow[] = [];
    let answeredBy = model ?? 'default';
    const { chunkSize, inferenceTimeoutMs } = this.config.evaluation;
    for (let offset = 0; offset < sample.rows.length; offset += chunkSize) {
      await this.liveLane.beforeBulkRequest(`drift:${dataset}/${split}`, async () => false);
      const chunk = sample.rows.slice(offset, offset + chunkSize);
      const response = await this.inference.predict(
        chunk.map((row) => row.text),
        { lane: InferenceLane.Bulk, timeoutMs: inferenceTimeoutMs, model: model ?? undefined },
      );
      answeredBy = response.model.name;
      response.predictions.forEach((prediction, index) => {
        rows.push({ textLength: countCodePoints(chunk[index].text), confidence: prediction.confidence, label: prediction.label, probabilities: prediction.probabilities });
        calibration.push({ confidence: prediction.confidence, correct: prediction.label === chunk[index].label });
      });
    }
    return { rows, calibration, model: answeredBy };
  }
}
