import { ALERT_SEVERITIES, driftRunBodySchema, REPORT_LIST_LIMITS, REPORT_STATUSES } from '@sentiment-ops/contracts';
import { z } from 'zod';

/** Query-string integers: digits only, so "1.5", "-3", "1e3" and "" are refused, not coerced. */
const queryInt = ({ min, max }: { min: number; max: number }) =>
  z
    .string({ error: 'must be a whole number' })
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .refine((value) => value >= min, { error: `must be at least ${min}` })
    .refine((value) => value <= max, { error: `must be at most ${max}` });

const page = {
  limit: queryInt({ min: 1, max: REPORT_LIST_LIMITS.maxLimit }).default(REPORT_LIST_LIMITS.defaultLimit),
  offset: queryInt({ min: 0, max: 1_000_000 }).default(0),
};

export const reportListQuerySchema = z.object({
  status: z.enum(REPORT_STATUSES, { error: `must be one of ${REPORT_STATUSES.join(', ')}` }).optional(),
  ...page,
});
export type ReportListQuery = z.infer<typeof reportListQuerySchema>;

export const alertListQuerySchema = z.object({
  severity: z.enum(ALERT_SEVERITIES, { error: `must be one of ${ALERT_SEVERITIES.join(', ')}` }).optional(),
  ...page,
});
export type AlertListQuery = z.infer<typeof alertListQuerySchema>;

export const reportIdParams = z.object({ id: z.uuid({ error: 'must be a report id (UUID)' }) });
export const scheduleIdParams = z.object({ id: z.string().min(1).max(100) });

/** `POST /api/v1/drift/run` takes no body at all (`curl -X POST`) as `{}`: every window at its default. */
export const optionalDriftRunBody = z.preprocess((value) => value ?? {}, driftRunBodySchema);
