import 'reflect-metadata';
import { exitGracefullyOnSignals, exitOnConfigError } from '@sentiment-ops/config';
import { loadInferenceConfig, type InferenceConfig } from './config/inference.config';
import { createInferenceLogger, startInference } from './bootstrap';

const main = async (): Promise<void> => {
  let config: InferenceConfig;
  try {
    config = loadInferenceConfig(process.env);
  } catch (error) {
    return exitOnConfigError(error);
  }
  try {
    const logger = createInferenceLogger(config);
    const { app } = await startInference(config, logger);
    exitGracefullyOnSignals(app, logger);
  } catch (error) {
    // A replica that cannot load its model must not look alive: exit so the supervisor restarts it.
    process.stderr.write(`inference: failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  }
};

void main();
