import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'x-request-id';

export interface RequestWithId extends Request {
  requestId?: string;
}

// A caller's id is kept only if it is short and plain, so it cannot inject into logs.
const ACCEPTABLE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Every request gets a correlation id (the caller's X-Request-ID or a new one), echoed back. */
export const requestIdMiddleware = (req: RequestWithId, res: Response, next: NextFunction): void => {
  const offered = req.header(REQUEST_ID_HEADER);
  req.requestId = offered && ACCEPTABLE_REQUEST_ID.test(offered) ? offered : randomUUID();
  res.setHeader('X-Request-ID', req.requestId);
  next();
};

export const requestIdOf = (req: Request): string => (req as RequestWithId).requestId ?? 'unknown';
