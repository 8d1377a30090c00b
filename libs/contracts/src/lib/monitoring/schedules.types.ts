import type { ReportStatus } from './drift.types';
import type { ScheduleId } from './monitoring.queue';

/** A built-in schedule as the API shows it: the configured defaults, the operator's overrides and what BullMQ will do next. */
export interface ScheduleView {
  id: ScheduleId;
  description: string;
  /** Effective cron pattern and IANA time zone (override if set, else the worker's configuration). */
  pattern: string;
  timezone: string;
  enabled: boolean;
  configured: { pattern: string; timezone: string };
  overridden: { pattern: boolean; timezone: boolean };
  /** Next run time from BullMQ's scheduler (null while paused or not yet registered by a worker). */
  nextRunAt: string | null;
  lastRun: { reportId: string; status: ReportStatus; createdAt: string; finishedAt: string | null } | null;
  updatedAt: string;
  updatedBy: string | null;
}

export interface ScheduleRunAccepted {
  schedule: ScheduleId;
  jobId: string;
  reportId: string;
  reportUrl: string;
}
