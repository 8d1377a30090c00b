import { ALERT_SEVERITIES, driftRunBodySchema, pageQuery, REPORT_LIST_LIMITS, REPORT_STATUSES } from '@sentiment-ops/contracts';
import { z } from 'zod';

const page = pageQuery(REPORT_LIST_LIMITS);

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
