import 'reflect-metadata';
import { exitGracefullyOnSignals, exitOnConfigError } from '@sentiment-ops/config';
import { migrateDatabase } from '@sentiment-ops/persistence';
import { createGateway, createGatewayLogger } from './bootstrap';
import { loadGatewayConfig, type GatewayConfig } from './config/gateway.config';

const main = async (): Promise<void> => {
  let config: GatewayConfig;
  try {
    config = loadGatewayConfig(process.env);
  } catch (error) {
    return exitOnConfigError(error);
  }
  const logger = createGatewayLogger(config);
  // Predictions do not need Postgres: a database that is down only disables evaluations.
  await migrateDatabase(config.databaseUrl, 'gateway-migrations').then(
    (applied) => applied.length > 0 && logger.log(`applied migrations: ${applied.join(', ')}`, 'Bootstrap'),
    (error: Error) => logger.warn(`database migrations failed (evaluation endpoints will answer 503 until Postgres is back): ${error.message}`, 'Bootstrap'),
  );
  const app = await createGateway(config, logger);
  exitGracefullyOnSignals(app, logger);
  await app.listen(config.http.port, config.http.host);
  logger.log(`listening on http://${config.http.host}:${config.http.port} (docs at /docs)`, 'Bootstrap');
};

void main();
