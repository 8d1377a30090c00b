/**
 * Errors raised by the client itself (the request never got an answer).
 * WARNING: the code strings are part of the API (the gateway maps them to 504 / 503).
 */
export const RpcTransportErrorCode = {
  DeadlineExceeded: 'DEADLINE_EXCEEDED',
  Unavailable: 'UNAVAILABLE',
} as const;
export type RpcTransportErrorCode = (typeof RpcTransportErrorCode)[keyof typeof RpcTransportErrorCode];

/**
 * Codes a server answers with inside the reply's `err` (`{ code, message }`), next to the
 * application's own RpcException payloads.
 */
export const RpcReplyErrorCode = {
  PatternNotFound: 'PATTERN_NOT_FOUND',
  DeadLettered: 'DEAD_LETTERED',
  ResponseNotSerializable: 'RESPONSE_NOT_SERIALIZABLE',
} as const;
export type RpcReplyErrorCode = (typeof RpcReplyErrorCode)[keyof typeof RpcReplyErrorCode];

export interface RpcErrorReply {
  code: string;
  message: string;
}

export abstract class RpcTransportError extends Error {
  abstract readonly code: RpcTransportErrorCode;
}

/** No reply before the deadline. The request may still be computed (it is dropped once expired). */
export class RpcDeadlineExceededError extends RpcTransportError {
  readonly code = RpcTransportErrorCode.DeadlineExceeded;

  constructor(
    readonly pattern: string,
    readonly lane: string,
    readonly timeoutMs: number,
  ) {
    super(`RPC "${pattern}" on lane "${lane}" got no reply within ${timeoutMs} ms`);
    this.name = 'RpcDeadlineExceededError';
  }
}

/** Redis unreachable or the client closed: the request was not (or may not have been) enqueued. */
export class RpcUnavailableError extends RpcTransportError {
  readonly code = RpcTransportErrorCode.Unavailable;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RpcUnavailableError';
  }
}

const TRANSPORT_CODES = new Set<string>(Object.values(RpcTransportErrorCode));

/** True for client-side transport failures; also across bundle copies, hence the duck typing. */
export const isRpcTransportError = (value: unknown): value is RpcTransportError => {
  if (value instanceof RpcTransportError) return true;
  const code: unknown = value instanceof Error ? (value as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && TRANSPORT_CODES.has(code);
};

/** True for a `{ code, message }` error payload from a server, optionally of one code. */
export const isRpcErrorReply = (value: unknown, code?: string): value is RpcErrorReply =>
  typeof value === 'object' &&
  value !== null &&
  !(value instanceof Error) &&
  typeof (value as RpcErrorReply).code === 'string' &&
  (code === undefined || (value as RpcErrorReply).code === code);
