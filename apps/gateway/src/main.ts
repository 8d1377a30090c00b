import 'reflect-metadata';
import { exitOnConfigError } from '@sentiment-ops/config';
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
  const app = await createGateway(config, logger);
  await app.listen(config.http.port, config.http.host);
  logger.log(`listening on http://${config.http.host}:${config.http.port} (docs at /docs)`, 'Bootstrap');
};

void main();
