import type { LoggerService } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { HttpMetrics } from '@sentiment-ops/metrics';
import { callerLabel } from '../auth/principal';
import { requestIdOf } from './request-context';

/** The matched route template (e.g. /api/v1/sentiment/batch), never the raw URL: bounded label values. */
const routeOf = (req: Request): string => {
  const route = (req as Request & { route?: { path?: string } }).route?.path;
  return route ? `${req.baseUrl}${route}` : 'unmatched';
};

/**
 * Counts every response and writes one structured access-log line: no bodies (texts may be private)
 * and no headers (they carry API keys); the caller appears as its key's name (`key=-` when none).
 */
export const httpObserver =
  (metrics: HttpMetrics, logger: LoggerService) =>
  (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    res.on('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      const labels = { method: req.method, route: routeOf(req), status: String(res.statusCode) };
      metrics.requestsTotal.inc(labels);
      metrics.requestDuration.observe(labels, seconds);
      if (res.statusCode >= 400) metrics.requestErrorsTotal.inc(labels);
      // One key=value line: greppable in text logs, still a single field in JSON logs.
      logger.log(
        `requestId=${requestIdOf(req)} method=${req.method} route=${labels.route} status=${res.statusCode} key=${callerLabel(req)} durationMs=${Math.round(seconds * 1000)}`,
        'HTTP',
      );
    });
    next();
  };
