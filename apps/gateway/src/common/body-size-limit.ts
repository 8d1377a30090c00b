import type { NextFunction, Request, Response } from 'express';
import { BodyParserException } from './body-parser-errors';

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** HTTP_BODY_LIMIT (`512kb`, `1mb`, already validated) in bytes, counted as body-parser counts them. */
export const parseByteLimit = (limit: string): number => {
  const match = /^(\d+)(b|kb|mb)$/i.exec(limit);
  if (!match) throw new Error(`not a byte size: ${limit}`);
  return Number(match[1]) * UNITS[match[2].toLowerCase()];
};

/**
 * Refuses (413) any request whose declared Content-Length is over the limit, whatever its content
 * type and route, before anything reads it. JSON bodies are also capped while being read (a
 * chunked body has no Content-Length); other bodies are never read at all.
 */
export const rejectOversizedBodies =
  (limitBytes: number) =>
  (req: Request, _res: Response, next: NextFunction): void => {
    const declared = Number(req.header('content-length') ?? 0);
    next(declared > limitBytes ? new BodyParserException('entity.too.large', 'request entity too large', limitBytes) : undefined);
  };
