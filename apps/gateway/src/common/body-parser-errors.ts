import type { NextFunction, Request, Response } from 'express';

/** A JSON body that could not be read: malformed, too large, or in an unsupported encoding. */
export class BodyParserException extends Error {
  constructor(
    /** body-parser's error type, e.g. entity.parse.failed or entity.too.large. */
    readonly type: string,
    message: string,
    readonly limit?: number,
  ) {
    super(message);
    this.name = 'BodyParserException';
  }
}

interface BodyParserError {
  type: string;
  message: string;
  limit?: number;
}

const isBodyParserError = (value: unknown): value is BodyParserError =>
  typeof value === 'object' && value !== null && typeof (value as BodyParserError).type === 'string' && (value as BodyParserError).type.startsWith('entity.');

/**
 * Express error middleware placed right after the body parser. Nest turns body-parser's
 * SyntaxError into a bare 400 and loses its type; keeping it lets the filter answer 422 / 413.
 */
export const bodyParserErrorMapper = (error: unknown, _req: Request, _res: Response, next: NextFunction): void => {
  next(isBodyParserError(error) ? new BodyParserException(error.type, error.message, error.limit) : error);
};
