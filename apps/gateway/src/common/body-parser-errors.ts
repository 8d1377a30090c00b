import type { NextFunction, Request, Response } from 'express';

/** A request body that could not be read: malformed, too large, of the wrong type or undecodable. */
export class BodyParserException extends Error {
  constructor(
    /** body-parser's error type (e.g. entity.parse.failed, charset.unsupported) or ours (content-type.unsupported, encoding.invalid). */
    readonly type: string,
    message: string,
    readonly limit?: number,
  ) {
    super(message);
    this.name = 'BodyParserException';
  }
}

interface ClientHttpError {
  message: string;
  expose?: unknown;
  type?: unknown;
  status?: unknown;
  statusCode?: unknown;
  limit?: number;
  code?: unknown;
}

// body-parser and raw-body raise http-errors (`expose`, `status`): a 4xx means the client sent something
// unreadable. Duck-typed: zlib errors come from Node's own realm, and http-errors may wrap them (tests
// run in another). Errors of earlier middleware (Nest's HttpException) have no `expose` and pass on.
const asClientHttpError = (value: unknown): ClientHttpError | undefined => {
  if (typeof value !== 'object' || value === null || typeof (value as ClientHttpError).expose !== 'boolean') return undefined;
  const { status, statusCode } = value as ClientHttpError;
  const code = typeof status === 'number' ? status : statusCode;
  return typeof code === 'number' && code >= 400 && code < 500 ? (value as ClientHttpError) : undefined;
};

/**
 * Express error middleware placed right after the body parser. Nest would answer its errors with a
 * bare 400 (parse errors) or a 500 (anything it does not know, e.g. a latin1 charset or a corrupt gzip
 * body); wrapping every client error keeps its type, so the filter can answer 422 / 413 / 415 / 400.
 */
export const bodyParserErrorMapper = (error: unknown, req: Request, _res: Response, next: NextFunction): void => {
  const client = error instanceof BodyParserException ? undefined : asClientHttpError(error);
  if (!client) return next(error);
  if (typeof client.type === 'string') return next(new BodyParserException(client.type, client.message, client.limit));
  // No type: the decompression stream failed (zlib's message, or http-errors' generic one and zlib's code).
  const detail = client.message && client.message !== 'Bad Request' ? client.message : String(client.code ?? 'corrupt data');
  next(new BodyParserException('encoding.invalid', `not valid ${req.header('content-encoding') ?? 'compressed'} data (${detail})`));
};

const MAX_ECHOED_TYPE = 100;

const hasBody = (req: Request): boolean => req.header('transfer-encoding') !== undefined || Number(req.header('content-length') ?? 0) > 0;

/**
 * Refuses (415) a request body that is not declared as JSON, on every route, before anything reads
 * it: the JSON parser would skip it and validation would then report a confusing "must be a JSON
 * object" (`curl -d` sends form encoding unless told otherwise).
 */
export const requireJsonBodies = (req: Request, _res: Response, next: NextFunction): void => {
  if (!hasBody(req)) return next();
  const declared = req.header('content-type');
  const mediaType = (declared ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/json') return next();
  const got = declared === undefined ? 'none was sent' : `got ${JSON.stringify(declared.slice(0, MAX_ECHOED_TYPE))}`;
  next(new BodyParserException('content-type.unsupported', `Content-Type must be application/json (${got})`));
};
