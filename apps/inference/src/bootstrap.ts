import { ConsoleLogger, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { INFERENCE_LANES, INFERENCE_SERVICE } from '@sentiment-ops/contracts';
import { readStreamStats, RedisStreamsServer } from '@sentiment-ops/redis-rpc';
import { createRpcStreamMetrics } from '@sentiment-ops/metrics';
import { Redis } from 'ioredis';
import type { InferenceConfig } from './config/inference.config';
import { RpcServerState } from './health/rpc-server-state';
import { InferenceTelemetry } from './metrics/inference-metrics';
import { InferenceModule } from './inference.module';
import { ModelPreloader } from './model/model-preloader';
import { ModelService } from './model/model.service';

export interface InferenceApp {
  app: INestApplication;
  httpPort: number;
  close(): Promise<void>;
}

/**
 * Starts one inference replica: HTTP probes and metrics first (so liveness answers during a long
 * model download), then the default model, then the RPC server, so no request is read before the
 * replica can compute it.
 */
export const createInferenceLogger = (config: InferenceConfig): ConsoleLogger =>
  new ConsoleLogger({ prefix: 'inference', json: config.logFormat === 'json', colors: Boolean(process.stdout.isTTY) && config.logFormat !== 'json' });

export const startInference = async (config: InferenceConfig, logger: LoggerService = createInferenceLogger(config)): Promise<InferenceApp> => {
  const app = await NestFactory.create(InferenceModule.register(config), { logger, bufferLogs: true });
  await app.listen(config.http.port, '0.0.0.0');
  const address = app.getHttpServer().address();
  const httpPort = typeof address === 'object' && address ? address.port : config.http.port;
  logger.log(`replica ${config.replicaId}: probes and metrics on http://0.0.0.0:${httpPort}`, 'Bootstrap');

  const telemetry = app.get(InferenceTelemetry);
  const statsConnection = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, disconnectTimeout: 500 });
  statsConnection.on('error', () => undefined); // reconnects by itself; scrapes then report nothing
  const state = app.get(RpcServerState);
  try {
    await statsConnection.connect().catch(() => undefined);
    const transport = { url: config.redis.url, prefix: config.redis.prefix, service: INFERENCE_SERVICE, lanes: INFERENCE_LANES };
    createRpcStreamMetrics(telemetry.registry, () => readStreamStats(statsConnection, transport));

    await app.get(ModelService).loadDefault();
    await app.get(ModelPreloader).start();

    const server = new RedisStreamsServer({
      ...transport,
      consumerName: config.replicaId,
      maxInFlight: config.batching.maxBatch,
      blockMs: config.rpc.blockMs,
      visibilityTimeoutMs: config.rpc.visibilityTimeoutMs,
      maxDeliveries: config.rpc.maxDeliveries,
      shutdownGraceMs: config.rpc.shutdownGraceMs,
      observer: {
        onExpired: (lane) => telemetry.inference.expiredTotal.inc({ lane }),
        onReclaimed: (lane, count) => telemetry.rpc.reclaimedTotal.inc({ lane }, count),
        onDeadLettered: (lane) => telemetry.rpc.deadLetteredTotal.inc({ lane }),
      },
    });
    app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
    await app.startAllMicroservices();
    state.listening = true;
  } catch (error) {
    // Whoever started us gets the error; nothing we opened may outlive it.
    await app.close().catch(() => undefined);
    statsConnection.disconnect();
    throw error;
  }
  logger.log(`replica ${config.replicaId}: reading ${INFERENCE_LANES.join(' > ')} requests under ${config.redis.prefix}`, 'Bootstrap');

  return {
    app,
    httpPort,
    close: async () => {
      state.listening = false;
      await app.close();
      statsConnection.disconnect();
    },
  };
};
