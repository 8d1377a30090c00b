// Hostile input is made of control characters on purpose.
/* eslint-disable no-control-regex */
import { deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { SENTIMENT_LIMITS } from '@sentiment-ops/contracts';
import type { RawRequest } from './raw-http';

// Generators of hostile input for the public API, and the small oracle of what a valid request is.
// Text is measured in code points ([...text].length counts a lone surrogate as one, as the API does).

export const codePoints = (text: string): number => [...text].length;

/** What the API must accept: 1..1024 code points, not only white space. */
export const isAcceptableText = (value: unknown): value is string =>
  typeof value === 'string' && codePoints(value) >= SENTIMENT_LIMITS.minTextCodePoints && codePoints(value) <= SENTIMENT_LIMITS.maxTextCodePoints && value.trim() !== '';

const BIDI = ['\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u061c'];
const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u180e'];
const WHITE = [' ', '\t', '\n', '\r', '\u00a0', '\u2028', '\u2029', '\u3000', '\u000b', '\u000c'];
const SINGLE_EMOJI = ['😀', '👍', '🔥', '\u{1F3FD}', '\u{E0041}', '\u{10FFFF}', '\u{1D54F}', '𓀀'];

/** Exactly one code point, drawn from the troublesome corners of Unicode. */
export const hostileCodePoint: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 3 },
  // High surrogates only, so two in a row never pair up into one valid code point.
  fc.integer({ min: 0xd800, max: 0xdbff }).map((unit) => String.fromCharCode(unit)),
  fc.integer({ min: 0x300, max: 0x36f }).map((point) => String.fromCodePoint(point)), // combining marks
  fc.constantFrom(...BIDI, ...ZERO_WIDTH, ...WHITE, ...SINGLE_EMOJI, '\u0000', '\u0007', '\u001b', '\u007f', '\ufffd', '\ufffe', '<', '>', '"', '\\', '&'),
);

/** Multi-code-point pieces: ZWJ emoji sequences, RTL words, Zalgo, markup, a trailing lone low surrogate. */
const HOSTILE_FRAGMENTS = [
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  '👩🏽‍💻',
  '🇺🇦',
  'עברית \u202eabc\u202c',
  'مرحبا بالعالم',
  'Z\u0335\u0321\u0358a\u0337\u0322l\u0336\u0328g\u0334o\u0338',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  "'; DROP TABLE evaluation_runs; --",
  '{{constructor.constructor("return process")()}}',
  '${process.exit(1)}',
  '%s%n%x',
  'a\udc00',
  '\r\nX-Injected: 1',
  'I love this phone!',
  'terrible service',
];

/** Any text made of hostile code points and fragments (length not controlled). */
export const hostileText = (maxParts: number): fc.Arbitrary<string> =>
  fc.array(fc.oneof({ arbitrary: hostileCodePoint, weight: 5 }, fc.constantFrom(...HOSTILE_FRAGMENTS)), { minLength: 0, maxLength: maxParts }).map((parts) => parts.join(''));

/** A text of exactly `length` code points. */
export const textOfCodePoints = (length: number): fc.Arbitrary<string> =>
  fc.array(hostileCodePoint, { minLength: length, maxLength: length }).map((parts) => parts.join(''));

/** Texts whose length straddles the code-point limit, many of them astral (2 UTF-16 units each). */
export const textAroundTheLimit: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: SENTIMENT_LIMITS.maxTextCodePoints - 3, max: SENTIMENT_LIMITS.maxTextCodePoints + 3 }), fc.constantFrom('x', '😀', 'é', '\u0301', '\u200b'), hostileCodePoint)
  .map(([length, filler, first]) => first + filler.repeat(length - 1));

// --- wrong JSON -------------------------------------------------------------------------------

const WRONG_VALUE = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.jsonValue({ maxDepth: 3 }),
);

const nested = (depth: number, inner: string, kind: 'array' | 'object'): string =>
  kind === 'array' ? '['.repeat(depth) + inner + ']'.repeat(depth) : '{"a":'.repeat(depth) + inner + '}'.repeat(depth);

/** Raw JSON-ish bodies sent as application/json: garbage, truncation, nesting, wrong types, tricks. */
export const wrongJsonBody: fc.Arbitrary<{ kind: string; body: string | Buffer }> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ kind: 'random bytes', body: Buffer.from(bytes) })),
  fc.string({ unit: 'binary', maxLength: 200 }).map((body) => ({ kind: 'random text', body })),
  fc
    .tuple(fc.constantFrom('{"text":', '{"texts":[', '{"text":"ok","model":'), fc.string({ maxLength: 40 }), fc.nat())
    .map(([head, tail, cut]) => {
      const full = `${head}${JSON.stringify(tail)}${head.endsWith('[') ? ']' : ''}}`;
      return { kind: 'truncated', body: full.slice(0, cut % full.length) };
    }),
  fc
    .tuple(fc.integer({ min: 1, max: 12_000 }), fc.constantFrom('array', 'object') as fc.Arbitrary<'array' | 'object'>, fc.constantFrom('top', 'text', 'texts', 'model'))
    .map(([depth, kind, where]) => {
      const deep = nested(depth, '"x"', kind);
      const body = where === 'top' ? nested(depth, '1', 'object') : where === 'texts' ? `{"texts":[${deep}]}` : `{"text":${where === 'text' ? deep : '"ok"'}${where === 'model' ? `,"model":${deep}` : ''}}`;
      return { kind: `deep ${kind} ${where}`, body };
    }),
  fc.tuple(fc.constantFrom('text', 'texts', 'model'), WRONG_VALUE).map(([field, value]) => ({
    kind: `wrong type of ${field}`,
    body: JSON.stringify(field === 'model' ? { text: 'ok', model: value } : field === 'texts' ? { texts: Array.isArray(value) ? value : [value] } : { text: value }),
  })),
  fc
    .tuple(fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty')), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }), fc.boolean())
    .map(([extra, batch]) => ({ kind: 'extra fields', body: JSON.stringify({ ...extra, ...(batch ? { texts: ['ok'] } : { text: 'ok' }) }) })),
  fc
    .tuple(fc.constantFrom('text', 'texts', 'model'), fc.constantFrom('"ok"', '""', '42', 'null', '["ok"]', '{"polluted":true}'), fc.constantFrom('"fine"', '["fine"]', '1'))
    .map(([key, first, second]) => ({ kind: 'duplicate keys', body: `{"${key}":${first},"text":"ok","${key}":${second}}` })),
  fc.constantFrom('1e999999', '-1e999999', '1'.repeat(5000), '-0', '0.0000000000000000000000001', '9007199254740993', 'NaN', 'Infinity', '0x10', '1_000').map((number) => ({ kind: 'huge number', body: `{"text":${number},"texts":[${number}]}` })),
  fc.constantFrom('{"__proto__":{"polluted":true},"text":"ok"}', '{"constructor":{"prototype":{"polluted":true}},"text":"ok"}', '{"text":"ok","__proto__":null}', '[{"__proto__":{"polluted":true}}]').map((body) => ({ kind: 'prototype keys', body })),
  fc.jsonValue({ maxDepth: 4 }).map((value) => ({ kind: 'any JSON', body: JSON.stringify(value) ?? 'null' })),
  fc.constantFrom('', ' ', 'null', 'true', '"text"', '[]', '{}', '{"text":"ok"', '{"text":"ok"}}', "{'text':'ok'}", '{text:"ok"}', '{"text":"ok",}', '\ufeff{"text":"ok"}', '{"text":"\\ud800"}', '{"text":"\\u0000"}', '{"text":"\\x41"}').map((body) => ({ kind: 'classic', body })),
);

// --- content types, encodings and framing -----------------------------------------------------

export const CONTENT_TYPES = [
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON; CHARSET=UTF-8',
  'application/json; charset=latin1',
  'application/json; charset=iso-8859-1',
  'application/json; charset=utf-16',
  'application/json; charset=bogus',
  'application/json;;;',
  'application/jsonx',
  'application/merge-patch+json',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  '*/*',
  '',
  'application/json, text/plain',
] as const;

export type Framing = 'exact' | 'short' | 'long' | 'chunked' | 'bad-chunked' | 'bad-length' | 'double-length' | 'length-and-chunked';

export interface EncodedBody {
  contentEncoding?: string;
  bytes: Buffer;
  /** Garbage or unknown encoding: the gateway cannot decode it. */
  undecodable: boolean;
}

export const encodedBody = (json: string): fc.Arbitrary<EncodedBody> =>
  fc.constantFrom<EncodedBody>(
    { bytes: Buffer.from(json), undecodable: false },
    { contentEncoding: 'identity', bytes: Buffer.from(json), undecodable: false },
    { contentEncoding: 'gzip', bytes: gzipSync(json), undecodable: false },
    { contentEncoding: 'deflate', bytes: deflateSync(json), undecodable: false },
    { contentEncoding: 'gzip', bytes: Buffer.from(json), undecodable: true },
    { contentEncoding: 'gzip', bytes: gzipSync(json).subarray(0, 12), undecodable: true },
    { contentEncoding: 'br', bytes: Buffer.from('not brotli'), undecodable: true },
    { contentEncoding: 'x-rot13', bytes: Buffer.from(json), undecodable: true },
    { contentEncoding: 'gzip, gzip', bytes: gzipSync(gzipSync(json)), undecodable: true },
  );

/** A POST of `bytes` with the given framing: lengths that lie, chunked bodies, both at once. */
export const framed = (path: string, headers: [string, string][], bytes: Buffer, framing: Framing): RawRequest => {
  const chunked = (data: Buffer) => Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n0\r\n\r\n')]);
  switch (framing) {
    case 'exact':
      return { method: 'POST', path, headers, body: bytes };
    case 'short':
      return { method: 'POST', path, headers: [...headers, ['Content-Length', String(Math.max(0, bytes.length - 3))]], rawBody: bytes };
    case 'long':
      return { method: 'POST', path, headers: [...headers, ['Content-Length', String(bytes.length + 10)]], rawBody: bytes, hangUp: true };
    case 'chunked':
      return { method: 'POST', path, headers: [...headers, ['Transfer-Encoding', 'chunked']], rawBody: chunked(bytes) };
    case 'bad-chunked':
      return { method: 'POST', path, headers: [...headers, ['Transfer-Encoding', 'chunked']], rawBody: Buffer.concat([Buffer.from('zz\r\n'), bytes]) };
    case 'bad-length':
      return { method: 'POST', path, headers: [...headers, ['Content-Length', '-1']], rawBody: bytes };
    case 'double-length':
      return { method: 'POST', path, headers: [...headers, ['Content-Length', String(bytes.length)], ['Content-Length', String(bytes.length + 1)]], rawBody: bytes };
    case 'length-and-chunked':
      return { method: 'POST', path, headers: [...headers, ['Content-Length', String(bytes.length)], ['Transfer-Encoding', 'chunked']], rawBody: chunked(bytes) };
  }
};

// --- headers ------------------------------------------------------------------------------------

/** A request id as callers might send it: plain, too long, with spaces, quotes, markup, CR/LF lookalikes or UTF-8. */
export const requestIdValue: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[\w.:-]{1,128}$/),
  fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).filter((value) => !/[\x00-\x08\x0a-\x1f\x7f]/.test(value)),
  fc.string({ minLength: 129, maxLength: 600 }).map((value) => value.replace(/[\x00-\x1f\x7f]/g, 'a')),
  fc.constantFrom('', ' ', '<script>alert(1)</script>', 'id\tx', 'requestId=forged status=200', '\u00e9\u00e8', '😀', '\u202eevil', '../../etc/passwd', 'a'.repeat(129)),
);

/** Credential values: empty, wrong scheme, huge, Unicode, almost-right. */
export const credentialValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', 'Bearer', 'Bearer ', 'bearer sk_x', 'Basic Zm9vOmJhcg==', 'Bearer  sk_test_predict', 'Token abc', 'sk_', 'null', 'undefined'),
  fc.string({ unit: 'grapheme-ascii', maxLength: 80 }).filter((value) => !/[\x00-\x08\x0a-\x1f\x7f]/.test(value)),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map((value) => `Bearer ${value.replace(/[\x00-\x1f\x7f]/g, '')}`),
  fc.integer({ min: 1000, max: 15_000 }).map((length) => `Bearer sk_${'k'.repeat(length)}`),
);

// Headers that change framing, routing or credentials: the properties set those on purpose only.
const MEANINGFUL_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'expect', 'content-type', 'content-encoding', 'x-api-key', 'authorization', 'x-request-id', 'upgrade', 'te', 'trailer', 'keep-alive', 'x-forwarded-for', 'origin']);

/** A header name: mostly valid tokens, sometimes characters the HTTP parser must refuse. */
export const headerName: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,30}$/).filter((name) => !MEANINGFUL_HEADERS.has(name.toLowerCase())), weight: 8 },
  fc.constantFrom('X Space', 'X\tTab', 'X(paren)', 'X"quote"', 'X\u00e9', '', 'X\u0000'),
);

/** A header value: mostly printable, sometimes control characters or UTF-8. */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).map((value) => value.replace(/[\x00-\x1f\x7f]/g, ' ')), weight: 8 },
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((value) => value.replace(/[\x00-\x1f\x7f]/g, '')),
  fc.constantFrom('a\u0001b', 'a\u0000b', 'a\u007fb', 'a\u001bb', '\u00ff\u00fe'),
);

/** Whether a header line holds a byte Node's HTTP parser refuses (control characters, non-token names). */
export const isInvalidHeader = ([name, value]: [string, string]): boolean =>
  !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\x00-\x08\x0a-\x1f\x7f]/.test(value);

// --- query strings and paths --------------------------------------------------------------------

/** A URL-ish value: encoded properly, raw, or with broken or dangerous percent escapes. */
export const urlValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }).map((value) => encodeURIComponent(value)),
  fc.integer({ min: -1_000_000, max: 1_000_000_000 }).map(String),
  fc.stringMatching(/^[A-Za-z0-9._~-]{0,20}$/),
  fc.constantFrom('', '%', '%%', '%zz', '%0', '%00', '%ED%A0%80', '%C0%AF', '%FF', '1e3', '1.5', '-0', '0x10', '99999999999999999999999', '%2e%2e%2f', '..%2F..%2F', '..', '.', '%252e', 'a%00b', '<script>', '%E2%80%AE', '+', '%20', 'NaN'),
  fc.integer({ min: 2000, max: 6000 }).map((length) => 'a'.repeat(length)),
);
