/**
 * The monitoring queue: scheduled and manual runs of the two built-in schedules, and the parent of
 * each model-evaluation flow. WARNING: wire format (Redis keys); rename only with a migration.
 */
export const MonitoringQueueName = 'monitoring' as const;

export const MonitoringJobName = {
  /** Scheduled or manual: builds the model-evaluation flow (children on the evaluation queue). */
  ModelEvaluation: 'model-evaluation',
  /** Parent of the flow: runs once every child evaluation has finished, writes the comparison report. */
  ComparisonReport: 'comparison-report',
  /** Scheduled or manual: computes one drift report. */
  DriftMonitoring: 'drift-monitoring',
} as const;
export type MonitoringJobName = (typeof MonitoringJobName)[keyof typeof MonitoringJobName];

/** The built-in schedules; each one's id is also the name of the job it produces. */
export const SCHEDULE_IDS = ['model-evaluation', 'drift-monitoring'] as const;
export type ScheduleId = (typeof SCHEDULE_IDS)[number];

export const isScheduleId = (value: unknown): value is ScheduleId => typeof value === 'string' && (SCHEDULE_IDS as readonly string[]).includes(value);

export type RunTrigger = 'schedule' | 'manual';

/** One model × dataset × split evaluated by a model-evaluation flow. */
export interface ComparisonTarget {
  /** Role in the comparison: the production model is the baseline the candidates are compared with. */
  role: 'production' | 'candidate';
  /** Registered name, hub id or folder; null = the inference default model. */
  model: string | null;
  dataset: string;
  split: string;
  samples: number;
}

export interface ModelEvaluationJobData {
  trigger: RunTrigger;
  /** Set for manual runs so the API can answer with the report id; scheduled runs get a fresh one. */
  reportId?: string;
  requestedBy?: string | null;
}

export interface ComparisonReportJobData {
  reportId: string;
  /** Evaluation run ids of the children, in target order. */
  runIds: string[];
}

/** Reference and current windows of a drift run; absent fields take the worker's defaults. */
export interface DriftRunParameters {
  /** Model whose live traffic is compared; null = the model that served most of the current window. */
  model: string | null;
  reference: DriftReferenceSpec;
  current: TimeWindow;
}

export interface TimeWindow {
  kind: 'log';
  /** ISO 8601, inclusive. */
  from: string;
  /** ISO 8601, exclusive. */
  to: string;
}

export interface DatasetWindow {
  kind: 'dataset';
  dataset: string;
  split: string;
  samples: number;
  seed: number;
}

export type DriftReferenceSpec = TimeWindow | DatasetWindow;

export interface DriftMonitoringJobData {
  trigger: RunTrigger;
  reportId?: string;
  requestedBy?: string | null;
  /** Only for manual runs with explicit windows; scheduled runs compute their windows when they start. */
  parameters?: Partial<DriftRunParameters>;
}

/**
 * Options of scheduled and manual monitoring jobs: one retry for transient faults, bounded history
 * in Redis (Postgres keeps the reports).
 */
export const MONITORING_JOB_OPTIONS = {
  attempts: 2,
  backoff: { type: 'exponential', delay: 30_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 500 },
  removeOnFail: { age: 30 * 24 * 3600, count: 1_000 },
} as const;
