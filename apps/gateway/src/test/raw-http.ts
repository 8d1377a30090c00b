import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** The decoded body (chunked transfer coding undone). */
  body: string;
  /** The body as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface RawRequest {
  method: string;
  path: string;
  /** Header lines sent as given, in order, repeated names included; nothing is validated or encoded. */
  headers?: [string, string][];
  body?: string | Buffer;
  /** Sent after the headers instead of `body` and without Content-Length (the request must declare its own framing). */
  rawBody?: string | Buffer;
  /** Send no Host header (one is added otherwise, unless `headers` has one). */
  omitHost?: boolean;
  /** Half-close after writing: a body shorter than its Content-Length then ends (the server drops the request) instead of hanging. */
  hangUp?: boolean;
}

const decodeChunked = (data: Buffer): Buffer => {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!size) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
};

const parseResponse = (received: Buffer): RawResponse => {
  let data = received;
  // Skip interim responses (100 Continue).
  while (/^HTTP\/1\.[01] 1\d\d /.test(data.subarray(0, 13).toString('latin1')) && data.indexOf('\r\n\r\n') >= 0) data = data.subarray(data.indexOf('\r\n\r\n') + 4);
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) throw new Error(`no complete response head in ${JSON.stringify(data.subarray(0, 200).toString('latin1'))}`);
  const [statusLine, ...lines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let bodyBytes = data.subarray(headEnd + 4);
  if (headers['transfer-encoding']?.includes('chunked')) bodyBytes = decodeChunked(bodyBytes);
  else if (headers['content-length'] !== undefined) bodyBytes = bodyBytes.subarray(0, Number(headers['content-length']));
  const body = bodyBytes.toString('utf8');
  let json: unknown;
  try {
    json = body ? JSON.parse(body) : undefined;
  } catch {
    json = undefined;
  }
  return { status, headers, body, json };
};

/**
 * One HTTP/1.1 request over a fresh TCP connection, written byte for byte (the head as UTF-8): header
 * names and values, framing and bodies go out exactly as given (fetch and node:http would validate or fix them). Reads
 * until the server closes (Connection: close is sent unless the caller sends its own). A server that
 * answers before reading the whole body (413) may reset the connection while we still write: the
 * response already received is kept.
 */
export const rawRequest = (port: number, request: RawRequest, timeoutMs = 10_000): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const headers = [...(request.headers ?? [])];
    const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name);
    if (!has('host') && !request.omitHost) headers.unshift(['Host', `127.0.0.1:${port}`]);
    if (!has('connection')) headers.push(['Connection', 'close']);
    const body = request.rawBody ?? request.body;
    if (request.body !== undefined && request.rawBody === undefined && !has('content-length') && !has('transfer-encoding')) {
      headers.push(['Content-Length', String(Buffer.byteLength(request.body))]);
    }
    const head = `${request.method} ${request.path} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      finish(new Error(`no response within ${timeoutMs} ms to ${request.method} ${request.path}`));
    }, timeoutMs);
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (chunks.length > 0) {
        try {
          return resolve(parseResponse(Buffer.concat(chunks)));
        } catch (parseError) {
          return reject(parseError);
        }
      }
      reject(error ?? new Error(`connection closed without a response to ${request.method} ${request.path}`));
    };
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    // EPIPE / ECONNRESET after an early answer: keep what was read.
    socket.on('error', (error) => finish(error));
    const bytes = Buffer.concat([Buffer.from(head, 'utf8'), body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);
    if (request.hangUp) socket.end(bytes);
    else socket.write(bytes);
  });
