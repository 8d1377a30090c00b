import { errorMessage } from './error-message';
import { MlflowClient } from './mlflow-client';
import type { FetchLike, MlflowLogger, MlflowMetric } from './mlflow.types';

/** Numbers, possibly nested: `{ validation: { macroF1: 0.6 } }` is logged as `validation.macroF1`. */
export interface MetricTree {
  [key: string]: number | MetricTree;
}

export interface TrainingTrackerOptions {
  /** No URI (undefined or '') makes every method a no-op: tracking is optional. */
  trackingUri?: string | null;
  token?: string;
  experimentName: string;
  runName?: string;
  tags?: Record<string, string>;
  timeoutMs?: number;
  retryDelayMs?: number;
  fetch?: FetchLike;
  logger?: MlflowLogger;
  /**
   * false (default): an MLflow failure is logged and tracking stops for this run, so an outage
   * of the tracking server never fails a training. true: failures are thrown.
   */
  strict?: boolean;
}

export interface TrackedModel {
  /** Registered model name in MLflow. */
  name: string;
  /** Where the artifact lives (folder or URI). */
  source: string;
}

export interface TrackingResult {
  runId: string;
  /** The MLflow model version created by `finish`, if a model was given. */
  modelVersion: string | null;
}

/** Flattens nested metrics into dotted keys, dropping non-finite values (JSON cannot carry NaN). */
export function flattenMetrics(metrics: MetricTree, prefix = ''): Array<{ key: string; value: number }> {
  return Object.entries(metrics).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'number') return Number.isFinite(value) ? [{ key: path, value }] : [];
    return flattenMetrics(value, path);
  });
}

/**
 * What a trainer calls: `start(params)`, `epoch(step, metrics)` per epoch, then `finish(final, model?)`
 * or `fail(error)`. One tracker per training run.
 */
export class TrainingTracker {
  private readonly client: MlflowClient | null;
  private currentRunId: string | null = null;
  private lastStep = 0;
  private stopped = false;

  constructor(private readonly options: TrainingTrackerOptions) {
    this.client = options.trackingUri
      ? new MlflowClient({
          trackingUri: options.trackingUri,
          token: options.token,
          timeoutMs: options.timeoutMs,
          retryDelayMs: options.retryDelayMs,
          fetch: options.fetch,
          logger: options.logger,
        })
      : null;
  }

  /** False when no tracking URI is configured. */
  get enabled(): boolean {
    return this.client !== null;
  }

  /** The MLflow run id once started (store it with the training run), else null. */
  get runId(): string | null {
    return this.currentRunId;
  }

  /** Creates (or reuses) the experiment, starts a run and logs the parameters. Returns the run id. */
  async start(params: Record<string, unknown>): Promise<string | null> {
    await this.guard('start', async (client) => {
      const experimentId = await client.ensureExperiment(this.options.experimentName);
      const run = await client.createRun(experimentId, { runName: this.options.runName, tags: this.options.tags });
      this.currentRunId = run.run_id;
      await client.logParams(run.run_id, params);
    });
    return this.currentRunId;
  }

  async epoch(step: number, metrics: MetricTree): Promise<void> {
    this.lastStep = step;
    await this.withRun('epoch', (client, runId) => client.logMetrics(runId, this.toMetrics(metrics, step)));
  }

  /** Logs the final metrics (at the last epoch's step), ends the run FINISHED and registers `model` if given. */
  async finish(finalMetrics: MetricTree, model?: TrackedModel): Promise<TrackingResult | null> {
    let result: TrackingResult | null = null;
    await this.withRun('finish', async (client, runId) => {
      await client.logMetrics(runId, this.toMetrics(finalMetrics, this.lastStep));
      await client.finishRun(runId, 'FINISHED');
      const version = model ? await client.registerModelVersion(model.name, model.source, runId) : null;
      result = { runId, modelVersion: version?.version ?? null };
    });
    this.stopped = true;
    return result;
  }

  /** Ends the run FAILED with the error message as a tag. */
  async fail(error: unknown): Promise<void> {
    const message = errorMessage(error);
    await this.withRun('fail', async (client, runId) => {
      await client.setTags(runId, { error: message });
      await client.finishRun(runId, 'FAILED');
    });
    this.stopped = true;
  }

  private toMetrics(metrics: MetricTree, step: number): MlflowMetric[] {
    const timestamp = Date.now();
    return flattenMetrics(metrics).map(({ key, value }) => ({ key, value, step, timestamp }));
  }

  private async withRun(what: string, fn: (client: MlflowClient, runId: string) => Promise<void>): Promise<void> {
    await this.guard(what, async (client) => {
      if (this.currentRunId) await fn(client, this.currentRunId);
    });
  }

  private async guard(what: string, fn: (client: MlflowClient) => Promise<void>): Promise<void> {
    if (!this.client || this.stopped) return;
    try {
      await fn(this.client);
    } catch (error) {
      if (this.options.strict) throw error;
      // The run's record in MLflow is incomplete from here on; stop rather than log half of it.
      this.stopped = true;
      this.options.logger?.warn(`MLflow tracking stopped at ${what}: ${errorMessage(error)}`);
    }
  }
}
