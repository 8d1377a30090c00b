import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DriftAlert, DriftMonitoringJobData, DriftReportResult, DriftRunParameters, EstimatedAccuracyResult } from '@sentiment-ops/contracts';
import { analyseFeatures, buildAlerts, DEFAULT_FEATURE_THRESHOLDS, calibrateConfidence, estimatedAccuracyDrift, performanceDrift, type PredictionFeatures } from '@sentiment-ops/drift';
import { DriftReportRepository, EvaluationRunRepository } from '@sentiment-ops/persistence';
import { renderDriftFigure } from '@sentiment-ops/report-charts';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker.config';
import { WorkerTelemetry } from '../metrics/worker-telemetry';
import { AlertWebhook } from '../monitoring/alert-webhook';
import { renderDriftMarkdown } from './drift-markdown';
import { DriftWindows, type LabelledPredictions, type LoadedWindow } from './drift-windows';

/**
 * One drift report: resolve the windows, read them, judge every feature, compare the latest labelled
 * evaluations, estimate live accuracy without labels, raise alerts; then store the report with its
 * Markdown and PNG, export the metrics and notify the webhook. A retry recomputes and replaces it.
 */
@Injectable()
export class DriftReportService {
  private readonly logger = new Logger(DriftReportService.name);

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly reports: DriftReportRepository,
    private readonly runs: EvaluationRunRepository,
    private readonly windows: DriftWindows,
    private readonly webhook: AlertWebhook,
    private readonly telemetry: WorkerTelemetry,
  ) {}

  async run(reportId: string, data: DriftMonitoringJobData): Promise<{ alerts: DriftAlert[]; result: DriftReportResult }> {
    await this.reports.create({ id: reportId, trigger: data.trigger, requestedBy: data.requestedBy ?? null, parameters: data.parameters ?? {} });
    const createdAt = (await this.reports.markRunning(reportId)) ?? new Date().toISOString();
    const now = new Date();
    const parameters = await this.windows.resolve(data.parameters ?? {}, now);
    const { drift } = this.config;

    const current = await this.windows.fromLog(parameters.current, parameters.model, 'live predictions');
    const reference = parameters.reference.kind === 'log' ? await this.windows.fromLog(parameters.reference, parameters.model, 'live predictions') : await this.windows.fromDataset(parameters.reference, parameters.model);
    const { features, dataset } = analyseFeatures(reference.rows, current.rows, {
      ...DEFAULT_FEATURE_THRESHOLDS, // the test switch-over size and histogram bins are not configurable
      pValue: drift.pValue,
      distance: drift.distanceThreshold,
      datasetShare: drift.datasetShare,
      minRows: drift.minRows,
    });
    const performance = await this.performance(parameters, now);
    const estimatedAccuracy = await this.estimateAccuracy(parameters, reference, current.rows);
    const partial = { model: parameters.model, reference: reference.summary, current: current.summary, features, dataset, performance, estimatedAccuracy };
    const drafts = buildAlerts(partial, { confidenceShift: drift.confidenceShift });

    let result: DriftReportResult = { ...partial, webhook: { status: this.webhook.configured ? (drafts.length ? 'pending' : 'no_alerts') : 'not_configured', attempts: 0, lastError: null } };
    const meta = { id: reportId, createdAt, trigger: data.trigger };
    const png = await renderDriftFigure(result, meta);
    const alerts = await this.reports.complete(reportId, { parameters, result, markdown: renderDriftMarkdown(meta, result, drafts), png, alerts: drafts });
    this.applyGauges(result);
    for (const alert of alerts) this.telemetry.drift.alertsTotal.inc({ type: alert.type, severity: alert.severity });

    if (this.webhook.configured && alerts.length > 0) {
      result = { ...result, webhook: await this.webhook.deliver(this.webhookBody(reportId, createdAt, result, alerts)) };
      await this.reports.updateResult(reportId, result, renderDriftMarkdown(meta, result, alerts));
    }
    this.telemetry.drift.scheduledRunsTotal.inc({ schedule: 'drift-monitoring', outcome: 'completed' });
    this.logger.log(
      `drift report ${reportId}: model ${parameters.model ?? 'all'}, reference ${reference.summary.rows} rows, current ${current.summary.rows} rows, dataset drift ${dataset.drifted ?? 'insufficient data'}, ${alerts.length} alert(s)`,
    );
    return { alerts, result };
  }

  async fail(reportId: string, message: string): Promise<void> {
    this.telemetry.drift.scheduledRunsTotal.inc({ schedule: 'drift-monitoring', outcome: 'failed' });
    await this.reports.fail(reportId, message).catch((error: Error) => this.logger.error(`drift report ${reportId}: could not record failure: ${error.message}`));
  }

  /**
   * The latest labelled evaluations as of now, whatever the traffic windows: the runs that finished
   * in the last DRIFT_REFERENCE_DAYS (or since an earlier reference window opened), for the compared model when known.
   */
  private async performance(parameters: DriftRunParameters, now: Date) {
    const lookback = now.getTime() - this.config.drift.referenceDays * 86_400_000;
    const from = parameters.reference.kind === 'log' ? Math.min(Date.parse(parameters.reference.from), lookback) : lookback;
    const runs = await this.runs.completedBetween(new Date(from), now);
    const ofModel = parameters.model ? runs.filter((run) => (run.resolvedModel ?? run.modelName) === parameters.model) : runs;
    return performanceDrift(ofModel, { accuracy: this.config.drift.accuracyDrop, macroF1: this.config.drift.f1Drop });
  }

  /** Calibrates on the configured labelled split (or the reference dataset); an unavailable model or dataset only skips the estimate. */
  private async estimateAccuracy(parameters: DriftRunParameters, reference: LoadedWindow | (LoadedWindow & LabelledPredictions), current: PredictionFeatures[]): Promise<EstimatedAccuracyResult> {
    const { drift } = this.config;
    const options = { dropThreshold: drift.estimatedAccuracyDrop, minRows: drift.minRows };
    const confidences = (rows: PredictionFeatures[]) => rows.map((row) => row.confidence);
    let calibration: Parameters<typeof estimatedAccuracyDrift>[0];
    if (drift.calibrationDataset) {
      const { dataset, split } = drift.calibrationDataset;
      try {
        const labelled = await this.windows.predictLabelled(dataset, split, drift.calibrationSamples, 7, parameters.model);
        calibration = { ...calibrateConfidence(labelled.calibration), dataset, split };
      } catch (error) {
        calibration = { unavailable: `calibration on ${dataset}/${split} failed: ${(error as Error).message}` };
      }
    } else if ('calibration' in reference && parameters.reference.kind === 'dataset') {
      calibration = { ...calibrateConfidence(reference.calibration), dataset: parameters.reference.dataset, split: parameters.reference.split };
    } else {
      calibration = { unavailable: 'no calibration dataset configured (DRIFT_CALIBRATION_DATASET)' };
    }
    return estimatedAccuracyDrift(calibration, confidences(reference.rows), confidences(current), options);
  }

  /** The latest report's view in the gauges (also restored from Postgres at start); stale series are cleared first. */
  applyGauges(result: DriftReportResult, finishedAt = new Date()): void {
    const { drift } = this.telemetry;
    drift.score.reset();
    drift.detected.reset();
    for (const feature of result.features) {
      if (feature.status !== 'ok' || feature.score === null) continue;
      drift.score.set({ feature: feature.feature, test: feature.test }, feature.score);
      if (feature.psi !== null) drift.score.set({ feature: feature.feature, test: 'psi' }, feature.psi);
      drift.detected.set({ feature: feature.feature }, feature.drifted ? 1 : 0);
    }
    if (result.dataset.drifted !== null) drift.detected.set({ feature: 'dataset' }, result.dataset.drifted ? 1 : 0);
    drift.estimatedAccuracy.reset();
    const estimate = result.estimatedAccuracy;
    if (estimate.reference !== null) drift.estimatedAccuracy.set({ window: 'reference', method: estimate.method }, estimate.reference);
    if (estimate.current !== null) drift.estimatedAccuracy.set({ window: 'current', method: estimate.method }, estimate.current);
    drift.lastReportTimestamp.set(finishedAt.getTime() / 1000);
  }

  private webhookBody(reportId: string, createdAt: string, result: DriftReportResult, alerts: readonly DriftAlert[]) {
    const base = this.config.publicBaseUrl?.replace(/\/$/, '');
    const url = (suffix: string) => (base ? `${base}/api/v1/drift/reports/${reportId}${suffix}` : null);
    return {
      event: 'drift_report',
      report_id: reportId,
      created_at: createdAt,
      model: result.model,
      dataset_drift: result.dataset.drifted,
      highest_severity: alerts.some((alert) => alert.severity === 'CRITICAL') ? 'CRITICAL' : 'WARNING',
      alerts: alerts.map((alert) => ({ type: alert.type, severity: alert.severity, feature: alert.feature, message: alert.message, threshold: alert.threshold, actual_value: alert.actualValue })),
      report_url: url(''),
      markdown_url: url('.md'),
      png_url: url('.png'),
    };
  }
}
