import { z } from 'zod';

/** 5 or 6 space-separated cron fields; the exact syntax is checked by BullMQ's cron parser where the pattern is applied. */
export const CRON_FIELDS = /^\S+( \S+){4,5}$/;

/** Whether the runtime knows the IANA time zone (UTC, Europe/Rome, ...). */
export const isIanaTimeZone = (value: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
};

const cronPattern = z
  .string()
  .trim()
  .min(9)
  .max(120)
  .refine((value) => CRON_FIELDS.test(value), { error: 'must be a cron pattern of 5 or 6 space-separated fields' });

const timeZone = z.string().min(1).max(64).refine(isIanaTimeZone, { error: 'must be an IANA time zone such as UTC or Europe/Rome' });

/** `PATCH /api/v1/schedules/:id`: pause/resume, change or reset (null) the pattern and time zone. */
export const schedulePatchSchema = z
  .strictObject({
    enabled: z.boolean({ error: 'must be true or false' }).optional(),
    pattern: cronPattern.nullable().optional(),
    timezone: timeZone.nullable().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { error: 'give at least one of enabled, pattern, timezone' });
export type SchedulePatch = z.infer<typeof schedulePatchSchema>;

export const DRIFT_RUN_LIMITS = { maxWindowDays: 90, maxDatasetSamples: 20_000 } as const;

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-11-29T12:00:00Z' });

const timeWindow = z
  .strictObject({ from: isoTime, to: isoTime })
  .refine((window) => Date.parse(window.from) < Date.parse(window.to), { error: 'from must be before to', path: ['to'] })
  .refine((window) => Date.parse(window.to) - Date.parse(window.from) <= DRIFT_RUN_LIMITS.maxWindowDays * 86_400_000, {
    error: `a window spans at most ${DRIFT_RUN_LIMITS.maxWindowDays} days`,
    path: ['to'],
  });

const datasetReference = z.strictObject({
  dataset: z.string().min(1).max(200),
  split: z.string().min(1).max(100).default('test'),
  samples: z.number().int().min(30).max(DRIFT_RUN_LIMITS.maxDatasetSamples).default(1_000),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
});

/** `POST /api/v1/drift/run` body; everything optional (the worker's defaults: previous 7 days vs last 12 hours). */
export const driftRunBodySchema = z.strictObject({
  model: z.string().min(1).max(512).optional(),
  reference: z.union([timeWindow, datasetReference], { error: 'must be {from, to} or {dataset, split?, samples?, seed?}' }).optional(),
  current: timeWindow.optional(),
});
export type DriftRunBody = z.infer<typeof driftRunBodySchema>;

export const REPORT_LIST_LIMITS = { defaultLimit: 20, maxLimit: 100 } as const;
