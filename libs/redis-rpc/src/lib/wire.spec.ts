import { RpcDeadlineExceededError, RpcUnavailableError, isRpcErrorReply, isRpcTransportError } from './errors';
import { DEFAULT_LANES, resolveClientOptions, resolveServerOptions } from './options';
import { streamKeys } from './stream-keys';
import { decodeRequest, encodeRequest, fieldsToRecord, parseAutoClaimReply, parsePendingReply, parseReadReply, parseReply } from './wire';

const transport = { url: 'redis://localhost:6379', prefix: 'p', service: 'svc' };

describe('wire format', () => {
  it('round-trips a request entry, and leaves deadline and replyTo out of events', () => {
    const request = { id: 'r1', pattern: 'inference.predict', data: '{"texts":["hi"]}', deadline: 2_000, enqueuedAt: 1_000, replyTo: 'p:rpc:svc:reply:gw' };
    expect(decodeRequest(encodeRequest(request))).toEqual(request);
    const event = encodeRequest({ id: 'e1', pattern: 'audit', data: '{}', enqueuedAt: 5 });
    expect(fieldsToRecord(event)).toEqual({ id: 'e1', pattern: 'audit', data: '{}', enqueuedAt: '5' });
    expect(decodeRequest(event)).toEqual({ id: 'e1', pattern: 'audit', data: '{}', enqueuedAt: 5, deadline: undefined, replyTo: undefined });
  });

  it('rejects entries it did not write', () => {
    expect(decodeRequest(null)).toBeUndefined();
    expect(decodeRequest(['foo', 'bar'])).toBeUndefined();
    expect(decodeRequest(['id', 'x', 'data', '{}'])).toBeUndefined();
  });

  it('parses XREADGROUP replies in RESP2, flattened RESP3 and object shapes', () => {
    const entries = [['1-0', ['id', 'a']]];
    const expected = [
      { key: 'k1', entries: [{ id: '1-0', fields: ['id', 'a'] }] },
      { key: 'k2', entries: [] },
    ];
    expect(parseReadReply([['k1', entries], ['k2', []]])).toEqual(expected);
    expect(parseReadReply(['k1', entries, 'k2', []])).toEqual(expected);
    expect(parseReadReply({ k1: entries, k2: [] })).toEqual(expected);
    expect(parseReadReply(null)).toEqual([]);
  });

  it('parses XAUTOCLAIM and XPENDING replies', () => {
    expect(parseAutoClaimReply(['5-0', [['1-0', ['a', 'b']], ['2-0', null]], ['3-0']])).toEqual({
      cursor: '5-0',
      entries: [
        { id: '1-0', fields: ['a', 'b'] },
        { id: '2-0', fields: null },
      ],
      deletedIds: ['3-0'],
    });
    expect(parsePendingReply([['1-0', 'c1', 1200, 3]])).toEqual([{ id: '1-0', consumer: 'c1', idleMs: 1200, deliveries: 3 }]);
  });

  it('accepts only JSON replies carrying an id', () => {
    expect(parseReply('{"id":"r1","response":1,"isDisposed":true}')).toEqual({ id: 'r1', response: 1, isDisposed: true });
    expect(parseReply('{"response":1}')).toBeUndefined();
    expect(parseReply('not json')).toBeUndefined();
  });
});

describe('options and keys', () => {
  it('fills defaults', () => {
    const server = resolveServerOptions(transport);
    expect(server).toMatchObject({ lanes: DEFAULT_LANES, group: 'svc-workers', maxInFlight: 16, blockMs: 2_000, visibilityTimeoutMs: 30_000, reclaimIntervalMs: 5_000, maxDeliveries: 5, shutdownGraceMs: 10_000 });
    expect(server.consumerName).toMatch(/-\d+-[0-9a-f]{8}$/);
    expect(resolveServerOptions({ ...transport, visibilityTimeoutMs: 600 }).reclaimIntervalMs).toBe(300);
    const client = resolveClientOptions({ ...transport, lanes: ['fast', 'slow'] });
    expect(client).toMatchObject({ defaultLane: 'fast', defaultTimeoutMs: 10_000, streamMaxLen: 100_000 });
    expect(client.clientId).not.toBe(resolveClientOptions(transport).clientId);
  });

  it('refuses inconsistent options', () => {
    expect(() => resolveClientOptions({ ...transport, defaultLane: 'express' })).toThrow(/defaultLane/);
    expect(() => resolveServerOptions({ ...transport, lanes: [] })).toThrow(/lanes/);
    expect(() => resolveServerOptions({ ...transport, lanes: ['live', 'dead'] })).toThrow(/reserved/);
    expect(() => resolveServerOptions({ ...transport, maxInFlight: 0 })).toThrow(/maxInFlight/);
  });

  it('names every key under the prefix and service', () => {
    const keys = streamKeys('env', 'inference');
    expect(keys.lanes).toEqual({ live: 'env:rpc:inference:live', bulk: 'env:rpc:inference:bulk' });
    expect(keys.dead).toBe('env:rpc:inference:dead');
    expect(keys.replyChannel('gw-1')).toBe('env:rpc:inference:reply:gw-1');
    expect(keys.all).toEqual(['env:rpc:inference:live', 'env:rpc:inference:bulk', 'env:rpc:inference:dead']);
    expect(() => keys.lane('express')).toThrow(/unknown lane/);
  });
});

describe('errors', () => {
  it('carries stable codes and is recognised by the helpers', () => {
    const deadline = new RpcDeadlineExceededError('p', 'live', 100);
    const unavailable = new RpcUnavailableError('down');
    expect([deadline.code, unavailable.code]).toEqual(['DEADLINE_EXCEEDED', 'UNAVAILABLE']);
    expect([deadline, unavailable].every(isRpcTransportError)).toBe(true);
    expect(isRpcTransportError(Object.assign(new Error('copy from another bundle'), { code: 'UNAVAILABLE' }))).toBe(true);
    expect(isRpcTransportError(new Error('x'))).toBe(false);
    expect(isRpcTransportError({ code: 'UNAVAILABLE' })).toBe(false);
    expect(isRpcErrorReply({ code: 'DEAD_LETTERED', message: 'm' }, 'DEAD_LETTERED')).toBe(true);
    expect(isRpcErrorReply({ status: 'error', message: 'm' })).toBe(false);
  });
});
