import { ConsoleLogger, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule, GATEWAY_CONTROLLERS } from './app.module';
import { API_KEY_SCHEME, BEARER_SCHEME } from './auth/access.decorators';
import { assertEveryRouteDeclaresAccess } from './auth/route-access';
import { bodyParserErrorMapper, requireJsonBodies } from './common/body-parser-errors';
import { parseByteLimit, rejectOversizedBodies } from './common/body-size-limit';
import { httpObserver } from './common/http-observer';
import { answerMalformedRequests, requireHostHeader } from './common/malformed-requests';
import { requestIdMiddleware } from './common/request-context';
import { securityHeaders } from './common/security-headers';
import { mountQueueBoard } from './queue-board/queue-board';
import type { GatewayConfig } from './config/gateway.config';
import { GatewayTelemetry } from './metrics/gateway-telemetry';
import { APP_VERSION } from './version';

export const createGatewayLogger = (config: GatewayConfig): LoggerService =>
  new ConsoleLogger({ prefix: 'gateway', json: config.logFormat === 'json', colors: Boolean(process.stdout.isTTY) && config.logFormat !== 'json' });

// Browsers may send these cross-origin (allow-listed origins only); the others they may read.
const CORS_REQUEST_HEADERS = ['Content-Type', 'Authorization', 'X-API-Key', 'X-Request-ID'];
const CORS_EXPOSED_HEADERS = ['X-Request-ID', 'X-Model', 'X-Model-Version', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];

/** One line at start-up saying how the gateway is protected (names and counts, never a secret). */
const describeProtection = (config: GatewayConfig): string => {
  const { auth, http, rateLimit, evaluation } = config;
  const keys = auth.envKeys.length ? `${auth.envKeys.length} (${auth.envKeys.map((k) => `${k.name}:${k.role}`).join(', ')})` : 'none';
  const perMinute = (n: number) => (n === 0 ? 'off' : `${n}/min`);
  const quota = (n: number) => (n === 0 ? 'unlimited' : String(n));
  return (
    `access: API_KEYS ${keys}; predictions without a key: ${auth.publicPredict ? 'allowed (AUTH_PUBLIC_PREDICT)' : 'refused'}; ` +
    `/admin/metrics: ${auth.metricsTokenHash ? 'METRICS_TOKEN' : 'open (restrict it at the network level)'}; ` +
    `CORS: ${http.corsOrigins.length ? http.corsOrigins.join(' ') : 'off'}; rate limits: ${perMinute(rateLimit.perKeyPerMinute)} per key, ${perMinute(rateLimit.perIpPerMinute)} per IP; ` +
    `evaluation quotas per key: ${quota(evaluation.maxConcurrentPerKey)} at once, ${quota(evaluation.dailyPerKey)} per day`
  );
};

/** Builds the gateway (not yet listening), so tests boot exactly what production runs. */
export const createGateway = async (config: GatewayConfig, logger: LoggerService = createGatewayLogger(config)): Promise<INestApplication> => {
  assertEveryRouteDeclaresAccess(GATEWAY_CONTROLLERS);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), { logger, bufferLogs: true, bodyParser: false });
  answerMalformedRequests(app.getHttpServer());
  // Client addresses (per-IP rate limits) come from X-Forwarded-For only behind that many proxies.
  if (config.http.trustProxyHops > 0) app.set('trust proxy', config.http.trustProxyHops);
  app.use(requestIdMiddleware);
  app.use(requireHostHeader);
  app.use(securityHeaders());
  if (config.http.corsOrigins.length > 0) {
    app.enableCors({ origin: config.http.corsOrigins, methods: ['GET', 'POST', 'PATCH', 'DELETE'], allowedHeaders: CORS_REQUEST_HEADERS, exposedHeaders: CORS_EXPOSED_HEADERS, maxAge: 600 });
  }
  app.use(httpObserver(app.get(GatewayTelemetry).http, logger));
  app.use(rejectOversizedBodies(parseByteLimit(config.http.bodyLimit)));
  app.use(requireJsonBodies);
  app.useBodyParser('json', { limit: config.http.bodyLimit });
  app.use(bodyParserErrorMapper);
  mountQueueBoard(app);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Sentiment Analysis API')
      .setDescription(
        'Twitter sentiment (negative / neutral / positive) served by cardiffnlp/twitter-roberta-base-sentiment-latest. ' +
          'Validation errors answer 422 with `detail[].field` naming the offending field. ' +
          'Protected endpoints take an API key as `Authorization: Bearer <key>` or `X-API-Key: <key>` (roles predict < operator < admin).',
      )
      .setVersion(APP_VERSION)
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (or METRICS_TOKEN for /admin/metrics)' }, BEARER_SCHEME)
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key' }, API_KEY_SCHEME)
      .build(),
  );
  // validatorUrl null: Swagger UI would otherwise fetch a badge from validator.swagger.io, which the CSP blocks.
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', customSiteTitle: 'Sentiment Analysis API', swaggerOptions: { validatorUrl: null } });
  logger.log(describeProtection(config), 'Bootstrap');
  return app;
};
