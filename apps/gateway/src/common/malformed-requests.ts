import { randomUUID } from 'node:crypto';
import { type IncomingMessage, maxHeaderSize, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

interface ParserError extends Error {
  code?: string;
  /** llhttp's explanation, e.g. "Invalid header value char". */
  reason?: string;
}

const describe = (error: ParserError): { status: number; message: string } => {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: `request headers exceed ${maxHeaderSize} bytes in all` };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, message: 'chunk extensions of the request body are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, message: 'the request was not received in time' };
    default:
      return { status: 400, message: `malformed HTTP request: ${error.reason ?? error.message}${error.code ? ` (${error.code})` : ''}` };
  }
};

/** The filter's error shape, for the few refusals Node answers before Express sees the request. */
const errorBody = (status: number, message: string) => {
  const requestId = randomUUID();
  return { requestId, body: JSON.stringify({ statusCode: status, error: STATUS_CODES[status], message, requestId }) };
};

const writeRaw = (socket: Socket, status: number, message: string): void => {
  const { requestId, body } = errorBody(status, message);
  socket.write(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-ID: ${requestId}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
  );
};

/**
 * Some requests never reach Express: those Node's HTTP parser rejects (invalid header characters,
 * oversized headers, bad framing), CONNECT, and an Expect other than 100-continue. Node would answer
 * them with a bare status or drop the connection; answer with the same JSON shape as every other
 * refusal, naming the problem. (A missing Host header is refused by `requireHostHeader` instead.)
 */
export const answerMalformedRequests = (server: Server): void => {
  server.on('clientError', (error: ParserError, socket: Socket) => {
    // Only when no response of an earlier (pipelined) request is on its way, as Node itself does.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
      const { status, message } = describe(error);
      writeRaw(socket, status, message);
    }
    socket.destroy();
  });
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    writeRaw(socket, 405, 'CONNECT is not supported: the gateway is not a proxy');
    socket.destroy();
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const { requestId, body } = errorBody(417, `Expect: ${JSON.stringify(String(req.headers.expect).slice(0, 100))} is not supported (only 100-continue)`);
    res.writeHead(417, { 'Content-Type': 'application/json; charset=utf-8', 'X-Request-ID': requestId, Connection: 'close' }).end(body);
  });
  // Node would answer a bare 400; the middleware below answers the JSON one.
  (server as Server & { requireHostHeader?: boolean }).requireHostHeader = false;
};

/** HTTP/1.1 requires a Host header (RFC 9112 §3.2): refuse its absence as Node would, but naming it. */
export const requireHostHeader = (req: Request, _res: Response, next: NextFunction): void => {
  next(req.httpVersion === '1.1' && req.headers.host === undefined ? new BadRequestException('HTTP/1.1 requests must send a Host header') : undefined);
};
