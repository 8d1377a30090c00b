import { Counter, type Registry } from 'prom-client';

export const SECURITY_METRIC = {
  authFailuresTotal: 'http_auth_failures_total',
  rateLimitedTotal: 'http_rate_limited_total',
  rateLimiterErrorsTotal: 'http_rate_limiter_errors_total',
  quotaExceededTotal: 'evaluation_quota_exceeded_total',
} as const;

export interface SecurityMetrics {
  /** 401 and 403 answers; reason: missing, invalid, forbidden, metrics_token. */
  authFailuresTotal: Counter<'reason'>;
  /** 429 answers of the request rate limiter, by bucket kind (key or ip). */
  rateLimitedTotal: Counter<'scope'>;
  /** Rate limit checks that could not reach Redis: the request was let through (fail open). */
  rateLimiterErrorsTotal: Counter;
  /** Evaluation requests refused by a per-key quota (active or daily). */
  quotaExceededTotal: Counter<'quota'>;
}

export const createSecurityMetrics = (registry: Registry): SecurityMetrics => ({
  authFailuresTotal: new Counter({
    name: SECURITY_METRIC.authFailuresTotal,
    help: 'Requests refused with 401 or 403, by reason (missing, invalid, forbidden, metrics_token)',
    labelNames: ['reason'],
    registers: [registry],
  }),
  rateLimitedTotal: new Counter({
    name: SECURITY_METRIC.rateLimitedTotal,
    help: 'Requests refused with 429 by the rate limiter, by bucket (key or ip)',
    labelNames: ['scope'],
    registers: [registry],
  }),
  rateLimiterErrorsTotal: new Counter({
    name: SECURITY_METRIC.rateLimiterErrorsTotal,
    help: 'Rate limit checks that failed (Redis unreachable); the request was allowed',
    registers: [registry],
  }),
  quotaExceededTotal: new Counter({
    name: SECURITY_METRIC.quotaExceededTotal,
    help: 'Evaluation requests refused by a per-key quota (active or daily)',
    labelNames: ['quota'],
    registers: [registry],
  }),
});
