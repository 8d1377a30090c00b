import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsoleLogger } from '@nestjs/common';
import { MonitoringJobName, MonitoringQueueName, SENTIMENT_LABELS, type DriftMonitoringJobData, type DriftReport } from '@sentiment-ops/contracts';
import { classificationReport, ConfusionMatrix } from '@sentiment-ops/evaluation';
import { createPgPool, DriftReportRepository, EvaluationRunRepository, migrateDatabase, PredictionLogRepository } from '@sentiment-ops/persistence';
import { BASELINE_TRAFFIC, createTestDatabase, deleteKeys, syntheticTraffic, TEST_REDIS_URL, uniquePrefix, waitFor, type TestDatabase } from '@sentiment-ops/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { startWorker, type WorkerApp } from '../bootstrap';
import { loadWorkerConfig } from '../config/worker.config';

const HOUR = 3_600_000;

/** A local stand-in for the operator's alert receiver: refuses the first call (503), accepts the rest. */
const startRecordingServer = async (): Promise<{ server: Server; url: string; calls: { status: number; body: Record<string, unknown> }[] }> => {
  const calls: { status: number; body: Record<string, unknown> }[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const status = calls.length === 0 ? 503 : 204;
      calls.push({ status, body: JSON.parse(raw) as Record<string, unknown> });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/drift?token=s3cret`, calls };
};

/** Scores of a run whose predictions are right `accuracy` of the time on 300 balanced rows. */
const reportWithAccuracy = (accuracy: number) => {
  const matrix = new ConfusionMatrix();
  for (let i = 0; i < 300; i++) {
    const truth = SENTIMENT_LABELS[i % 3];
    matrix.add(truth, i < accuracy * 300 ? truth : SENTIMENT_LABELS[(i + 1) % 3]);
  }
  return classificationReport(matrix);
};

// The drift-monitoring job end to end in a real worker (in process), on a synthetic prediction log in Postgres.
describe('drift monitoring on the prediction log', () => {
  const prefix = uniquePrefix('drift');
  let database: TestDatabase;
  let pool: Pool;
  let worker: WorkerApp;
  let config: ReturnType<typeof loadWorkerConfig>;
  let queue: Queue<DriftMonitoringJobData>;
  let hook: Awaited<ReturnType<typeof startRecordingServer>>;
  const now = Date.now();
  // The job computes its windows when it runs (seconds later): rows keep a margin from every edge.
  const MARGIN = 10 * 60_000;
  const current = { from: new Date(now - 12 * HOUR + MARGIN), to: new Date(now - MARGIN) };
  const reference = { from: new Date(now - 12 * HOUR - 7 * 24 * HOUR + MARGIN), to: new Date(now - 12 * HOUR - MARGIN) };

  const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${worker.httpPort}/metrics`)).text();
  /** The value of `name{labels…}` (other labels, such as service, may be present too). */
  const sample = (text: string, series: string): number | undefined => {
    const [, name, labelText] = /^(\w+)\{(.*)\}$/.exec(series) as RegExpExecArray;
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labelText.split(',').every((label) => l.includes(label)));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };
  const runDrift = async (): Promise<DriftReport> => {
    const reportId = randomUUID();
    await queue.add(MonitoringJobName.DriftMonitoring, { trigger: 'manual', reportId, requestedBy: 'spec' }, { jobId: reportId });
    const reports = new DriftReportRepository(pool);
    return waitFor(
      async () => {
        const report = await reports.get(reportId);
        return report && ['completed', 'failed'].includes(report.status) && (report.result?.webhook.status !== 'pending') ? report : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: `drift report ${reportId}` },
    );
  };

  beforeAll(async () => {
    database = await createTestDatabase('drift');
    await migrateDatabase(database.url);
    pool = createPgPool({ url: database.url, applicationName: 'drift-spec' });
    hook = await startRecordingServer();
    config = loadWorkerConfig({
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      DATABASE_URL: database.url,
      WORKER_HTTP_PORT: '0',
      HF_HUB_OFFLINE: '1',
      DRIFT_CALIBRATION_DATASET: '',
      ALERT_WEBHOOK_URL: hook.url,
      ALERT_WEBHOOK_BACKOFF_MS: '20',
    });
    worker = await startWorker(config, new ConsoleLogger({ logLevels: ['error'] }));
    queue = new Queue(MonitoringQueueName, { connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 }), prefix: `${prefix}:bull` });
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    (queue?.opts.connection as Redis | undefined)?.disconnect();
    await worker?.close();
    hook?.server.closeAllConnections();
    await new Promise((resolve) => hook?.server.close(resolve));
    await pool?.end();
    await database?.drop();
    await deleteKeys(prefix);
  });

  it('registers both schedules at start', async () => {
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz]).sort()).toEqual([
      ['drift-monitoring', '0 */12 * * *', 'UTC'],
      ['model-evaluation', '0 * * * *', 'UTC'],
    ]);
  });

  it('finds no drift between two windows of the same traffic, raises no alert and calls no webhook', async () => {
    const log = new PredictionLogRepository(pool);
    await log.insertMany(syntheticTraffic(400, BASELINE_TRAFFIC, reference, 1));
    await log.insertMany(syntheticTraffic(300, BASELINE_TRAFFIC, current, 2));
    const report = await runDrift();
    expect(report.status).toBe('completed');
    const result = report.result!;
    expect(result.model).toBe('sentiment-lite');
    expect(result.reference).toMatchObject({ kind: 'log', rows: 400 });
    // Default windows: the previous 7 days, then the last 12 hours, back to back.
    expect(Date.parse(result.current.to!) - Date.parse(result.current.from!)).toBe(12 * HOUR);
    expect(Date.parse(result.reference.to!) - Date.parse(result.reference.from!)).toBe(7 * 24 * HOUR);
    expect(result.reference.to).toBe(result.current.from);
    expect(Math.abs(Date.parse(result.current.to!) - Date.now())).toBeLessThan(60_000);
    expect(result.current).toMatchObject({ kind: 'log', rows: 300 });
    expect(result.features.filter((f) => f.drifted)).toEqual([]);
    expect(result.dataset).toMatchObject({ status: 'ok', drifted: false, evaluatedFeatures: 6 });
    expect(result.estimatedAccuracy).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('DRIFT_CALIBRATION_DATASET') });
    expect(report.alerts).toEqual([]);
    expect(result.webhook).toEqual({ status: 'no_alerts', attempts: 0, lastError: null });
    expect(hook.calls).toHaveLength(0);
    const text = await metrics();
    expect(sample(text, 'sentiment_drift_detected{feature="dataset"}')).toBe(0);
    expect(sample(text, 'sentiment_drift_detected{feature="confidence"}')).toBe(0);
    expect(sample(text, 'sentiment_drift_score{feature="confidence",test="ks"}')).toBeGreaterThan(0.05);
  });

  it('finds drift on exactly the shifted confidence and label mix, alerts, exports metrics, stores MD and PNG, and notifies the webhook after a retry', async () => {
    await pool.query('TRUNCATE prediction_log');
    const log = new PredictionLogRepository(pool);
    await log.insertMany(syntheticTraffic(400, BASELINE_TRAFFIC, reference, 3));
    await log.insertMany(syntheticTraffic(300, { ...BASELINE_TRAFFIC, labelShares: [0.15, 0.15, 0.7], confidence: [0.4, 0.7] }, current, 4));
    // Two labelled evaluations of the same model: the latest lost 15 accuracy points.
    const runs = new EvaluationRunRepository(pool);
    for (const accuracy of [0.8, 0.65]) {
      const id = randomUUID();
      await runs.create(id, { dataset: 'tweet_eval', split: 'test', samples: 300, sampling: 'random', seed: 1, modelName: null });
      await runs.complete(id, { report: reportWithAccuracy(accuracy), resolvedModel: 'sentiment-lite', modelVersion: 'synthetic', samplesEvaluated: 300, durationMs: 1000 });
    }

    const report = await runDrift();
    const result = report.result!;
    expect(result.features.filter((f) => f.drifted).map((f) => f.feature).sort()).toEqual(['confidence', 'predicted_label', 'prob_negative', 'prob_neutral', 'prob_positive']);
    expect(result.features.find((f) => f.feature === 'text_length')).toMatchObject({ drifted: false });
    expect(result.dataset).toMatchObject({ drifted: true, driftedFeatures: 5 });
    expect(result.performance).toEqual([expect.objectContaining({ model: 'sentiment-lite', status: 'ok', accuracyDelta: expect.closeTo(-0.15, 6) })]);
    expect(report.alerts.map((a) => `${a.severity} ${a.type} ${a.feature}`).sort()).toEqual([
      'CRITICAL ACCURACY_DRIFT sentiment-lite on tweet_eval/test',
      'CRITICAL CONFIDENCE_DRIFT confidence',
      'CRITICAL DATASET_DRIFT null',
      'CRITICAL F1_DRIFT sentiment-lite on tweet_eval/test',
      'WARNING LABEL_DRIFT predicted_label',
      'WARNING PROBABILITY_DRIFT prob_negative',
      'WARNING PROBABILITY_DRIFT prob_neutral',
      'WARNING PROBABILITY_DRIFT prob_positive',
    ]);

    // The receiver refused once, then accepted: two calls, one body.
    expect(result.webhook).toEqual({ status: 'delivered', attempts: 2, lastError: null });
    expect(hook.calls.map((call) => call.status)).toEqual([503, 204]);
    const body = hook.calls[1].body;
    expect(body).toMatchObject({ event: 'drift_report', report_id: report.id, model: 'sentiment-lite', dataset_drift: true, highest_severity: 'CRITICAL' });
    expect((body['alerts'] as unknown[]).length).toBe(8);

    const text = await metrics();
    expect(sample(text, 'sentiment_drift_detected{feature="dataset"}')).toBe(1);
    expect(sample(text, 'sentiment_drift_detected{feature="predicted_label"}')).toBe(1);
    expect(sample(text, 'sentiment_drift_detected{feature="text_length"}')).toBe(0);
    expect(sample(text, 'sentiment_drift_score{feature="confidence",test="ks"}')).toBeLessThan(0.05);
    expect(sample(text, 'sentiment_drift_alerts_total{type="LABEL_DRIFT",severity="WARNING"}')).toBe(1);
    expect(sample(text, 'sentiment_drift_alerts_total{type="PROBABILITY_DRIFT",severity="WARNING"}')).toBe(3);
    expect(sample(text, 'sentiment_drift_alerts_total{type="DATASET_DRIFT",severity="CRITICAL"}')).toBe(1);
    expect(sample(text, 'alert_webhook_deliveries_total{outcome="delivered"}')).toBe(1);

    const reports = new DriftReportRepository(pool);
    const markdown = (await reports.markdown(report.id)) as string;
    expect(markdown).toContain('# Drift monitoring report');
    expect(markdown).toMatch(/\| confidence \| KS p-value \| [\d.]+ \| 0\.05 \|.*\| \*\*DRIFT\*\* \|/);
    expect(markdown).toMatch(/\| text_length \|.*\| no drift \|/);
    expect(markdown).toContain('Webhook: delivered after 2 attempt(s)');
    expect(markdown).toContain(`![Distributions and drift scores](${report.id}.png)`);
    const png = (await reports.png(report.id)) as Buffer;
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // The webhook URL's token never reaches the stored report.
    expect(JSON.stringify(report)).not.toContain('s3cret');

    // A restarted worker shows the latest report's verdicts at once, not empty gauges until the next run.
    await worker.close();
    worker = await startWorker(config, new ConsoleLogger({ logLevels: ['error'] }));
    const restored = await metrics();
    expect(sample(restored, 'sentiment_drift_detected{feature="dataset"}')).toBe(1);
    expect(sample(restored, 'sentiment_drift_detected{feature="text_length"}')).toBe(0);
    expect(sample(restored, 'sentiment_drift_score{feature="confidence",test="ks"}')).toBe(report.result!.features.find((f) => f.feature === 'confidence')!.score);
    expect(sample(restored, 'sentiment_drift_last_report_timestamp_seconds{service="evaluation-worker"}')).toBe(Date.parse(report.finishedAt!) / 1000);
  });

  it('reports a current window too small to judge as insufficient data, not as no drift', async () => {
    await pool.query('TRUNCATE prediction_log');
    const log = new PredictionLogRepository(pool);
    await log.insertMany(syntheticTraffic(400, BASELINE_TRAFFIC, reference, 5));
    await log.insertMany(syntheticTraffic(10, BASELINE_TRAFFIC, current, 6));
    const report = await runDrift();
    expect(report.result?.dataset).toMatchObject({ status: 'insufficient_data', drifted: null });
    expect(report.result?.features.every((f) => f.status === 'insufficient_data' && f.drifted === null)).toBe(true);
    expect(report.alerts.filter((a) => a.type !== 'ACCURACY_DRIFT' && a.type !== 'F1_DRIFT')).toEqual([]);
    expect(await new DriftReportRepository(pool).markdown(report.id)).toContain('**Insufficient data**');
    expect(sample(await metrics(), 'sentiment_drift_detected{feature="dataset"}')).toBeUndefined();
  });
});
