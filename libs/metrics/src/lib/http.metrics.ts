import { Counter, Histogram, type Registry } from 'prom-client';

export const HTTP_METRIC = {
  requestsTotal: 'http_requests_total',
  requestErrorsTotal: 'http_request_errors_total',
  requestDurationSeconds: 'http_request_duration_seconds',
} as const;

type HttpLabels = 'method' | 'route' | 'status';

export interface HttpMetrics {
  requestsTotal: Counter<HttpLabels>;
  /** Responses with status >= 400, so error rate = errors / requests without regex on status. */
  requestErrorsTotal: Counter<HttpLabels>;
  requestDuration: Histogram<HttpLabels>;
}

export const createHttpMetrics = (registry: Registry): HttpMetrics => ({
  requestsTotal: new Counter({
    name: HTTP_METRIC.requestsTotal,
    help: 'HTTP requests by method, route template and status code',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  }),
  requestErrorsTotal: new Counter({
    name: HTTP_METRIC.requestErrorsTotal,
    help: 'HTTP responses with status >= 400 by method, route template and status code',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  }),
  requestDuration: new Histogram({
    name: HTTP_METRIC.requestDurationSeconds,
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  }),
});
