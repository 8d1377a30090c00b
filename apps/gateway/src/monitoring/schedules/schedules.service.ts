import { Injectable, NotFoundException } from '@nestjs/common';
import { isScheduleId, SCHEDULE_IDS, type ScheduleId, type SchedulePatch, type ScheduleRunAccepted, type ScheduleView } from '@sentiment-ops/contracts';
import { ComparisonReportRepository, DriftReportRepository, effectiveSchedule } from '@sentiment-ops/persistence';
import { InvalidScheduleException, ScheduleManager, type ScheduleState } from '@sentiment-ops/scheduling';
import { fieldError } from '../../common/request-validation';
import { ManualRuns } from '../manual-runs';
import { comparisonReportUrl, driftReportUrl } from '../report-urls';

export const SCHEDULE_DESCRIPTIONS: Record<ScheduleId, string> = {
  'model-evaluation':
    'Evaluates the production model and the candidate models on the configured labelled datasets (one child evaluation each), then writes a comparison report with the deltas once every child finished',
  'drift-monitoring':
    'Compares live traffic from the prediction log (current window) with a reference window or labelled dataset: feature, label and performance drift, with alerts',
};

/** The built-in schedules: listed and changed through the ScheduleManager, run by hand through ManualRuns. */
@Injectable()
export class SchedulesService {
  constructor(
    private readonly manager: ScheduleManager,
    private readonly driftReports: DriftReportRepository,
    private readonly comparisonReports: ComparisonReportRepository,
    private readonly runs: ManualRuns,
  ) {}

  async list(): Promise<ScheduleView[]> {
    const states = (await this.manager.list()).filter((state) => isScheduleId(state.record.id));
    return Promise.all(states.map((state) => this.toView(state)));
  }

  async update(id: string, patch: SchedulePatch, updatedBy: string | null): Promise<ScheduleView> {
    const scheduleId = this.known(id);
    let state: ScheduleState | null;
    try {
      state = await this.manager.update(scheduleId, patch, updatedBy);
    } catch (error) {
      if (error instanceof InvalidScheduleException) throw fieldError('body', error.field, error.message, 'invalid_schedule');
      throw error;
    }
    if (!state) throw new NotFoundException(`schedule ${scheduleId} is not registered by any worker yet: start the evaluation worker once, then change it`);
    return this.toView(state);
  }

  /** Runs a schedule now, whether it is paused or not (pausing stops its timer, not operators). */
  async run(id: string, requestedBy: string | null): Promise<ScheduleRunAccepted> {
    const scheduleId = this.known(id);
    if (scheduleId === 'model-evaluation') {
      const queued = await this.runs.modelEvaluation(requestedBy);
      return { schedule: scheduleId, ...queued, reportUrl: comparisonReportUrl(queued.reportId) };
    }
    const queued = await this.runs.drift({}, requestedBy);
    return { schedule: scheduleId, ...queued, reportUrl: driftReportUrl(queued.reportId) };
  }

  private known(id: string): ScheduleId {
    if (!isScheduleId(id)) throw new NotFoundException(`schedule ${id} not found; the schedules are ${SCHEDULE_IDS.join(', ')}`);
    return id;
  }

  private async lastRun(id: ScheduleId): Promise<ScheduleView['lastRun']> {
    const latest = id === 'model-evaluation' ? await this.comparisonReports.latest() : await this.driftReports.latest();
    return latest ? { reportId: latest.id, status: latest.status, createdAt: latest.createdAt, finishedAt: latest.finishedAt } : null;
  }

  private async toView({ record, nextRunAt }: ScheduleState): Promise<ScheduleView> {
    const id = record.id as ScheduleId;
    return {
      id,
      description: SCHEDULE_DESCRIPTIONS[id],
      ...effectiveSchedule(record),
      enabled: record.enabled,
      configured: { pattern: record.configuredPattern, timezone: record.configuredTimezone },
      overridden: { pattern: record.patternOverride !== null, timezone: record.timezoneOverride !== null },
      nextRunAt: nextRunAt?.toISOString() ?? null,
      lastRun: await this.lastRun(id),
      updatedAt: record.updatedAt,
      updatedBy: record.updatedBy,
    };
  }
}
