/**
 * Records a training or fine-tuning run (train:lite and finetune CLIs, fine-tune jobs):
 * - in Postgres when a database URL is given: a training_runs row (parameters, per-epoch metrics,
 *   final metrics) and the resulting model version in the registry;
 * - in MLflow when a tracking URI is given (params, per-epoch metrics, final metrics, model version).
 * With neither set it does nothing, so training works on a bare machine.
 */
import { basename, resolve } from 'node:path';
import type { ClassificationReport } from '@sentiment-ops/contracts';
import { TrainingTracker, type MetricTree } from '@sentiment-ops/mlflow-client';
import { createPgPool, migrateDatabase, ModelRegistryRepository, TrainingRunRepository, type TrainingKind } from '@sentiment-ops/persistence';
import type { Pool } from 'pg';

/** Where to record: each target is optional (none ⇒ the recorder does nothing). */
export interface RecordingTargets {
  databaseUrl?: string;
  mlflow?: { trackingUri?: string; token?: string; experimentName?: string };
  /** Id of the training_runs row (e.g. the job id), so a retried job does not start a second row. */
  runId?: string;
  log?: (line: string) => void;
}

export interface TrainingRunStart {
  kind: TrainingKind;
  dataset: string;
  split: string;
  baseModel: string | null;
  parameters: Record<string, string | number | boolean | null>;
  /** Folder the model will be written to; its name is the registry model name. */
  outDir: string;
}

/** A full report or a summary of one; stored whole in the registry, scalars go to MLflow. */
export type Scores = Pick<ClassificationReport, 'accuracy' | 'macroF1'> & Partial<ClassificationReport>;

export interface TrainingRunResult {
  finalMetrics: Record<string, Scores | null>;
  contentVersion: string;
  /** Where the artifact was written, when not the start's `outDir`. */
  uri?: string;
}

export const scalarScores = (scores: Scores): Record<string, number> => ({
  accuracy: scores.accuracy,
  macroF1: scores.macroF1,
  ...(scores.macroRecall === undefined ? {} : { macroRecall: scores.macroRecall }),
  ...(scores.weightedF1 === undefined ? {} : { weightedF1: scores.weightedF1 }),
});

export class TrainingRecorder {
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly start: TrainingRunStart,
    private readonly tracker: TrainingTracker,
    private readonly pool?: Pool,
    private readonly runId?: string,
  ) {}

  static async open(start: TrainingRunStart, where: RecordingTargets): Promise<TrainingRecorder> {
    const log = where.log ?? (() => undefined);
    const tracker = new TrainingTracker({
      trackingUri: where.mlflow?.trackingUri,
      token: where.mlflow?.token,
      experimentName: where.mlflow?.experimentName ?? 'sentiment-ops',
      runName: `${start.kind} ${basename(start.outDir)}`,
      tags: { kind: start.kind, dataset: start.dataset },
    });
    const mlflowRunId = await tracker.start({ ...start.parameters, dataset: start.dataset, split: start.split, base_model: start.baseModel });
    const { databaseUrl } = where;
    if (!databaseUrl) return new TrainingRecorder(start, tracker);
    await migrateDatabase(databaseUrl, 'training');
    const pool = createPgPool({ url: databaseUrl, applicationName: 'training' });
    const run = await new TrainingRunRepository(pool).start({
      id: where.runId,
      kind: start.kind,
      dataset: start.dataset,
      split: start.split,
      baseModel: start.baseModel,
      parameters: start.parameters,
      mlflowRunId,
    });
    log(`recording training run ${run.id} in Postgres${mlflowRunId ? ` and MLflow run ${mlflowRunId}` : ''}`);
    return new TrainingRecorder(start, tracker, pool, run.id);
  }

  /** Per-epoch numbers; queued so a synchronous training loop can call it. */
  epoch(epoch: number, metrics: Record<string, number>): void {
    this.chain = this.chain.then(async () => {
      await this.tracker.epoch(epoch, metrics);
      if (this.pool && this.runId) await new TrainingRunRepository(this.pool).recordEpoch(this.runId, { epoch, ...metrics });
    });
  }

  /** Registers the written model as a new version and closes the run. Returns `name@version` when registered. */
  async complete(result: TrainingRunResult): Promise<string | null> {
    await this.chain;
    const scores: MetricTree = Object.fromEntries(Object.entries(result.finalMetrics).flatMap(([split, report]) => (report ? [[split, scalarScores(report)]] : [])));
    const name = basename(this.start.outDir);
    const uri = result.uri ?? resolve(this.start.outDir);
    const tracked = await this.tracker.finish(scores, { name, source: uri });
    if (!this.pool || !this.runId) return null;
    try {
      const version = await new ModelRegistryRepository(this.pool).registerVersion({
        name,
        baseModel: this.start.baseModel,
        sourceDataset: `${this.start.dataset}/${this.start.split}`,
        trainingParameters: this.start.parameters,
        metrics: JSON.parse(JSON.stringify(result.finalMetrics)),
        uri,
        contentVersion: result.contentVersion,
      });
      await new TrainingRunRepository(this.pool).complete(this.runId, { finalMetrics: scores, model: name, version: version.version, mlflowRunId: tracked?.runId });
      return `${name}@${version.version}`;
    } finally {
      await this.pool.end();
    }
  }

  async fail(error: Error): Promise<void> {
    await this.chain.catch(() => undefined);
    await this.tracker.fail(error);
    if (this.pool && this.runId) {
      await new TrainingRunRepository(this.pool).fail(this.runId, error.message).catch(() => undefined);
      await this.pool.end();
    }
  }
}
