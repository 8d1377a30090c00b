import { type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

export interface FieldError {
  /** FastAPI-style location, e.g. ['body', 'texts', 3]. */
  loc: (string | number)[];
  /** The same as a path, e.g. 'texts[3]'. */
  field: string;
  msg: string;
  type: string;
}

/** Bad request content: mapped to 422 with one entry per offending field. */
export class RequestValidationException extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((error) => `${error.field}: ${error.msg}`).join('; '));
    this.name = 'RequestValidationException';
  }
}

export const fieldPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '') || 'body';

export type RequestLocation = 'body' | 'query' | 'path';

const toFieldError = (issue: z.core.$ZodIssue, location: RequestLocation): FieldError => {
  const params = (issue as { params?: { type?: string } }).params;
  return {
    loc: [location, ...issue.path.map((key) => (typeof key === 'number' ? key : String(key)))],
    field: fieldPath(issue.path),
    msg: issue.message,
    type: params?.type ?? issue.code,
  };
};

/** One offending field found by the service layer (e.g. an unknown dataset). */
export const fieldError = (location: RequestLocation, field: string, msg: string, type: string): RequestValidationException =>
  new RequestValidationException([{ loc: [location, field], field, msg, type }]);

/** Validates a request body, query or path against a zod schema; the error lists every offending field. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly location: RequestLocation = 'body',
  ) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new RequestValidationException(result.error.issues.map((issue) => toFieldError(issue, this.location)));
  }
}
