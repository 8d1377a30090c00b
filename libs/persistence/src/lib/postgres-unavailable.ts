// Socket errors of the connection itself, and SQLSTATE class 08 (connection exception) plus the
// 57P0x shutdown codes: the server went away or is restarting, the statement may succeed later.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
const SERVER_GONE_CODES = new Set(['57P01', '57P02', '57P03']);
// node-postgres reports a lost connection or a pool that could not connect only in the message.
const CLIENT_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed/;

/**
 * True when `error` says Postgres could not be reached (as opposed to a statement it refused): the
 * caller may retry later. Duck-typed, since socket errors come from Node's own realm.
 */
export const isPostgresUnavailable = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_GONE_CODES.has(code) || code.startsWith('08'))) return true;
  return typeof message === 'string' && CLIENT_MESSAGES.test(message);
};
