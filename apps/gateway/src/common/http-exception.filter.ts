import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InferenceException, InferenceFailure } from '@sentiment-ops/inference-client';
import { isPostgresUnavailable } from '@sentiment-ops/persistence';
import { AuthenticationException, InsufficientRoleException } from '../auth/auth.errors';
import { LiveQueueFullException } from '../backpressure/live-queue-full.exception';
import { BodyParserException } from './body-parser-errors';
import { requestIdOf } from './request-context';
import { type FieldError, RequestValidationException } from './request-validation';
import { TooManyRequestsException } from './too-many-requests.exception';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  requestId: string;
  detail?: FieldError[];
}

const INFERENCE_STATUS: Record<InferenceFailure, number> = {
  [InferenceFailure.Unavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [InferenceFailure.DeadlineExceeded]: HttpStatus.GATEWAY_TIMEOUT,
  [InferenceFailure.InvalidRequest]: HttpStatus.UNPROCESSABLE_ENTITY,
  [InferenceFailure.ModelNotFound]: HttpStatus.NOT_FOUND,
  [InferenceFailure.ModelLoadFailed]: HttpStatus.BAD_GATEWAY,
  [InferenceFailure.Failed]: HttpStatus.BAD_GATEWAY,
};

// Postgres unreachable (the persistence library's test) or Redis refusing commands while
// disconnected: the request may succeed later, so 503 rather than 500.
const REDIS_OFFLINE = /enableOfflineQueue options is false|Connection is closed/;
const isDependencyUnavailable = (error: unknown): boolean => {
  if (isPostgresUnavailable(error)) return true;
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' && REDIS_OFFLINE.test(message);
};

// Postgres refuses text it cannot store, NUL (U+0000) above all: such a value can only come from the
// request (a value no schema checks for NUL), so it is the caller's to fix, not a 500.
const UNSTORABLE_TEXT_CODES = new Set(['22021', '22P05']);
const isUnstorableText = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && UNSTORABLE_TEXT_CODES.has(String((error as { code?: unknown }).code));

const reason = (status: number): string =>
  ({ 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' })[status] ??
  HttpStatus[status] ??
  'Error';

/**
 * The one place where errors become HTTP responses. Known errors keep their message; anything
 * else is logged with the request id and answered with a generic 500, never a stack trace.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const requestId = requestIdOf(req);
    const body = this.toBody(exception, requestId);
    // Backpressure refusals are expected under load: counted in a metric, not logged one by one.
    if (body.statusCode >= 500 && !(exception instanceof LiveQueueFullException)) {
      this.logger.error({ requestId, method: req.method, path: req.path, status: body.statusCode, error: exception instanceof Error ? exception.stack : String(exception) });
    }
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE) res.setHeader('Retry-After', '1');
    if (body.statusCode === HttpStatus.UNAUTHORIZED) res.setHeader('WWW-Authenticate', 'Bearer realm="sentiment-ops"');
    if (exception instanceof TooManyRequestsException && exception.retryAfterSeconds !== null) res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    if (exception instanceof LiveQueueFullException) res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    if (!res.headersSent) res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, requestId: string): ErrorBody {
    const make = (statusCode: number, message: string, detail?: FieldError[]): ErrorBody => ({
      statusCode,
      error: reason(statusCode),
      message,
      requestId,
      ...(detail ? { detail } : {}),
    });
    if (exception instanceof RequestValidationException) return make(HttpStatus.UNPROCESSABLE_ENTITY, exception.message, exception.errors);
    if (exception instanceof InferenceException) return make(INFERENCE_STATUS[exception.failure], exception.message);
    if (exception instanceof BodyParserException) return this.bodyParserBody(exception, make);
    if (exception instanceof AuthenticationException) return make(HttpStatus.UNAUTHORIZED, exception.message);
    if (exception instanceof InsufficientRoleException) return make(HttpStatus.FORBIDDEN, exception.message);
    if (exception instanceof TooManyRequestsException) return make(HttpStatus.TOO_MANY_REQUESTS, exception.message);
    if (exception instanceof LiveQueueFullException) return make(HttpStatus.SERVICE_UNAVAILABLE, exception.message);
    if (isUnstorableText(exception)) return make(HttpStatus.BAD_REQUEST, 'a value in the request contains a character that cannot be stored (NUL, U+0000)');
    if (isDependencyUnavailable(exception)) return make(HttpStatus.SERVICE_UNAVAILABLE, `a backing service is unavailable: ${(exception as Error).message}`);
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? exception.message);
      return make(exception.getStatus(), Array.isArray(message) ? message.join('; ') : String(message));
    }
    return make(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error');
  }

  private bodyParserBody(error: BodyParserException, make: (status: number, message: string, detail?: FieldError[]) => ErrorBody): ErrorBody {
    switch (error.type) {
      case 'entity.parse.failed': {
        const msg = `malformed JSON: ${error.message}`;
        return make(HttpStatus.UNPROCESSABLE_ENTITY, `body: ${msg}`, [{ loc: ['body'], field: 'body', msg, type: 'json_invalid' }]);
      }
      case 'entity.too.large':
        return make(HttpStatus.PAYLOAD_TOO_LARGE, `body: request body exceeds the limit of ${error.limit ?? 'the configured'} bytes`);
      case 'charset.unsupported':
        return make(HttpStatus.UNSUPPORTED_MEDIA_TYPE, `body: ${error.message}; send JSON as UTF-8`);
      case 'encoding.unsupported':
        return make(HttpStatus.UNSUPPORTED_MEDIA_TYPE, `body: ${error.message}; use gzip, deflate, br or none`);
      case 'content-type.unsupported':
        return make(HttpStatus.UNSUPPORTED_MEDIA_TYPE, `body: ${error.message}`);
      case 'request.aborted':
        return make(HttpStatus.BAD_REQUEST, 'body: the client closed the connection before sending the whole body');
      default:
        // request.size.invalid (fewer or more bytes than Content-Length), encoding.invalid (corrupt gzip), …
        return make(HttpStatus.BAD_REQUEST, `body: ${error.message}`);
    }
  }
}
