import { ConsoleLogger, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { bodyParserErrorMapper } from './common/body-parser-errors';
import { httpObserver } from './common/http-observer';
import { requestIdMiddleware } from './common/request-context';
import type { GatewayConfig } from './config/gateway.config';
import { GatewayTelemetry } from './metrics/gateway-telemetry';
import { APP_VERSION } from './version';

export const createGatewayLogger = (config: GatewayConfig): LoggerService =>
  new ConsoleLogger({ prefix: 'gateway', json: config.logFormat === 'json', colors: Boolean(process.stdout.isTTY) && config.logFormat !== 'json' });

/** Builds the gateway (not yet listening), so tests boot exactly what production runs. */
export const createGateway = async (config: GatewayConfig, logger: LoggerService = createGatewayLogger(config)): Promise<INestApplication> => {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), { logger, bufferLogs: true, bodyParser: false });
  app.use(requestIdMiddleware);
  app.use(httpObserver(app.get(GatewayTelemetry).http, logger));
  app.useBodyParser('json', { limit: config.http.bodyLimit });
  app.use(bodyParserErrorMapper);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Sentiment Analysis API')
      .setDescription(
        'Twitter sentiment (negative / neutral / positive) served by cardiffnlp/twitter-roberta-base-sentiment-latest. ' +
          'Validation errors answer 422 with `detail[].field` naming the offending field.',
      )
      .setVersion(APP_VERSION)
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', customSiteTitle: 'Sentiment Analysis API' });
  return app;
};
