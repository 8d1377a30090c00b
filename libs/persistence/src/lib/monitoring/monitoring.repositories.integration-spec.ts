import { randomUUID } from 'node:crypto';
import type { ComparisonReport, DriftReportResult } from '@sentiment-ops/contracts';
import type { Pool } from 'pg';
import { runMigrations } from '../migrator';
import { createPgPool } from '../pg-pool';
import { createTestDatabase } from '../../test/test-database';
import { ComparisonReportRepository } from './comparison-report.repository';
import { DriftReportRepository, type DriftAlertInput } from './drift-report.repository';
import { effectiveSchedule, ScheduleRepository } from './schedule.repository';

const result = (drifted: boolean): DriftReportResult => ({
  model: 'sentiment-lite',
  reference: { kind: 'log', description: 'previous 7 days', from: '2026-01-01T00:00:00.000Z', to: '2026-01-08T00:00:00.000Z', rows: 100 },
  current: { kind: 'log', description: 'last 12 hours', from: '2026-01-08T00:00:00.000Z', to: '2026-01-08T12:00:00.000Z', rows: 50 },
  features: [],
  dataset: { status: 'ok', drifted, driftedFeatures: drifted ? 4 : 0, evaluatedFeatures: 6, share: drifted ? 4 / 6 : 0, threshold: 0.5 },
  performance: [],
  estimatedAccuracy: { method: 'calibrated_confidence', status: 'unavailable', reason: 'no calibration data', calibration: null, reference: null, current: null, delta: null, threshold: 0.1, meanConfidence: { reference: 0.8, current: 0.7 } },
  webhook: { status: 'not_configured', attempts: 0, lastError: null },
});

const alert = (overrides: Partial<DriftAlertInput> = {}): DriftAlertInput => ({
  type: 'CONFIDENCE_DRIFT',
  severity: 'WARNING',
  feature: 'confidence',
  message: 'confidence drifted',
  threshold: 0.05,
  actualValue: 0.001,
  ...overrides,
});

describe('monitoring repositories', () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPgPool({ url: db.url, applicationName: 'monitoring-spec' });
    await runMigrations(pool);
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  describe('ScheduleRepository', () => {
    it('seeds idempotently: a restart updates the configured pattern but keeps overrides and a pause', async () => {
      const schedules = new ScheduleRepository(pool);
      const first = await schedules.seed('model-evaluation', '0 * * * *', 'UTC');
      expect(first).toMatchObject({ configuredPattern: '0 * * * *', configuredTimezone: 'UTC', enabled: true, patternOverride: null });
      expect(effectiveSchedule(first)).toEqual({ pattern: '0 * * * *', timezone: 'UTC' });

      const paused = await schedules.update('model-evaluation', { enabled: false, pattern: '*/5 * * * *' }, 'ops-admin');
      expect(paused).toMatchObject({ enabled: false, patternOverride: '*/5 * * * *', timezoneOverride: null, updatedBy: 'ops-admin' });

      const restarted = await schedules.seed('model-evaluation', '30 * * * *', 'Europe/Rome');
      expect(restarted).toMatchObject({ enabled: false, configuredPattern: '30 * * * *', patternOverride: '*/5 * * * *' });
      expect(effectiveSchedule(restarted)).toEqual({ pattern: '*/5 * * * *', timezone: 'Europe/Rome' });
      expect((await schedules.list()).map((record) => record.id)).toEqual(['model-evaluation']);

      const reset = await schedules.update('model-evaluation', { pattern: null, enabled: true }, null);
      expect(reset).toMatchObject({ enabled: true, patternOverride: null });
      expect(effectiveSchedule(reset!)).toEqual({ pattern: '30 * * * *', timezone: 'Europe/Rome' });
      expect(await schedules.update('no-such-schedule', { enabled: false }, null)).toBeNull();
    });
  });

  describe('DriftReportRepository', () => {
    it('stores a completed report with renderings and alerts; a retried completion replaces the alerts', async () => {
      const reports = new DriftReportRepository(pool);
      const id = randomUUID();
      await reports.create({ id, trigger: 'manual', requestedBy: 'ops', parameters: { model: 'sentiment-lite' } });
      await reports.create({ id, trigger: 'schedule', requestedBy: null, parameters: {} });
      expect(await reports.get(id)).toMatchObject({ id, status: 'queued', trigger: 'manual', requestedBy: 'ops', result: null, alerts: [] });

      const queued = await reports.get(id);
      expect(await reports.markRunning(id)).toBe(queued?.createdAt);
      expect(await reports.get(id)).toMatchObject({ status: 'running', startedAt: expect.any(String) });
      expect(await reports.markRunning(randomUUID())).toBeNull();
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
      await reports.complete(id, { parameters: { model: 'sentiment-lite' }, result: result(true), markdown: '# report', png, alerts: [alert(), alert({ type: 'DATASET_DRIFT', severity: 'CRITICAL', feature: null })] });
      const stored = await reports.complete(id, { parameters: { model: 'sentiment-lite' }, result: result(true), markdown: '# report v2', png, alerts: [alert(), alert({ type: 'DATASET_DRIFT', severity: 'CRITICAL', feature: null })] });
      expect(stored).toHaveLength(2);

      const report = await reports.get(id);
      expect(report).toMatchObject({ status: 'completed', result: { dataset: { drifted: true } } });
      expect(report?.alerts.map((a) => [a.type, a.severity])).toEqual([['DATASET_DRIFT', 'CRITICAL'], ['CONFIDENCE_DRIFT', 'WARNING']]);
      expect(await reports.markdown(id)).toBe('# report v2');
      expect(await reports.png(id)).toEqual(png);
      expect(await reports.rendering(id, 'md')).toEqual({ status: 'completed', error: null, content: '# report v2' });
      expect((await reports.listAlerts({ limit: 10, offset: 0 })).total).toBe(2);
      expect((await reports.listAlerts({ limit: 10, offset: 0, severity: 'CRITICAL' })).items.map((a) => a.type)).toEqual(['DATASET_DRIFT']);
    });

    it('records failures, lists newest first with filters, and answers null for unknown ids', async () => {
      const reports = new DriftReportRepository(pool);
      const failed = randomUUID();
      await reports.create({ id: failed, trigger: 'schedule', requestedBy: null, parameters: {} });
      await reports.fail(failed, 'prediction log unavailable');
      expect(await reports.get(failed)).toMatchObject({ status: 'failed', error: 'prediction log unavailable' });
      const all = await reports.list({ limit: 10, offset: 0 });
      expect(all.items[0].id).toBe(failed);
      expect(all.total).toBe(2);
      expect((await reports.list({ limit: 10, offset: 0, status: 'failed' })).items.map((r) => r.id)).toEqual([failed]);
      expect((await reports.latest('completed'))?.status).toBe('completed');
      expect(await reports.get(randomUUID())).toBeNull();
      expect(await reports.png(randomUUID())).toBeNull();
      expect(await reports.markdown(failed)).toBeNull();
      expect(await reports.rendering(failed, 'png')).toEqual({ status: 'failed', error: 'prediction log unavailable', content: null });
      expect(await reports.rendering(randomUUID(), 'md')).toBeNull();
    });
  });

  describe('ComparisonReportRepository', () => {
    it('creates a running report with its children, then completes it as partial', async () => {
      const reports = new ComparisonReportRepository(pool);
      const id = randomUUID();
      const runIds = [randomUUID(), randomUUID()];
      const targets: ComparisonReport['targets'] = [
        { role: 'production', model: null, dataset: 'tweet_eval', split: 'test', samples: 100 },
        { role: 'candidate', model: 'sentiment-lite', dataset: 'tweet_eval', split: 'test', samples: 100 },
      ];
      await reports.createQueued({ id, trigger: 'manual', requestedBy: 'ops' });
      expect(await reports.get(id)).toMatchObject({ status: 'queued', targets: [], runIds: [] });
      expect(await reports.start({ id, trigger: 'manual', requestedBy: 'ops', targets, runIds })).toMatchObject({ status: 'running', trigger: 'manual', requestedBy: 'ops', targets, runIds, entries: [], partial: false });
      // A retried job finds the running report and keeps its children.
      expect((await reports.start({ id, trigger: 'manual', requestedBy: 'ops', targets, runIds: [randomUUID()] })).runIds).toEqual(runIds);
      await reports.complete(id, {
        entries: [
          { ...targets[0], runId: runIds[0], status: 'completed', resolvedModel: 'm', accuracy: 0.7, macroF1: 0.68, macroRecall: 0.69, samplesEvaluated: 100, error: null },
          { ...targets[1], runId: runIds[1], status: 'failed', resolvedModel: null, accuracy: null, macroF1: null, macroRecall: null, samplesEvaluated: null, error: 'boom' },
        ],
        deltas: [],
        partial: true,
        markdown: '# comparison',
        png: Buffer.from('png'),
      });
      expect(await reports.get(id)).toMatchObject({ status: 'completed', partial: true, entries: [expect.objectContaining({ status: 'completed' }), expect.objectContaining({ status: 'failed', error: 'boom' })] });
      expect(await reports.markdown(id)).toBe('# comparison');
      expect((await reports.latest())?.id).toBe(id);
      await reports.fail(id, 'late failure');
      expect((await reports.list({ limit: 5, offset: 0, status: 'failed' })).total).toBe(1);
    });
  });
});
