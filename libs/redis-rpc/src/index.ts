export {
  DEFAULT_CLIENT_OPTIONS,
  DEFAULT_LANES,
  DEFAULT_SERVER_OPTIONS,
  type RedisStreamsClientObserver,
  type RedisStreamsClientOptions,
  type RedisStreamsObserver,
  type RedisStreamsServerOptions,
  type RedisStreamsTransportOptions,
  type RpcCallOutcome,
} from './lib/options';
export {
  RpcDeadlineExceededError,
  RpcReplyErrorCode,
  RpcTransportError,
  RpcTransportErrorCode,
  RpcUnavailableError,
  isRpcErrorReply,
  isRpcTransportError,
  type RpcErrorReply,
} from './lib/errors';
export { RedisStreamsContext, type RedisStreamsEntryInfo } from './lib/redis-streams.context';
export { RedisStreamsClient, type RpcCallOptions } from './lib/redis-streams.client';
export { REDIS_STREAMS_TRANSPORT, RedisStreamsServer } from './lib/redis-streams.server';
export { readStreamStats, type LaneStreamStats, type StreamStatsOptions } from './lib/stream-stats';
export { streamKeys, type StreamKeys } from './lib/stream-keys';
