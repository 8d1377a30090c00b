import 'reflect-metadata';
import { exitGracefullyOnSignals, exitOnConfigError } from '@sentiment-ops/config';
import { createWorkerLogger, startWorker } from './bootstrap';
import { loadWorkerConfig, type WorkerConfig } from './config/worker.config';

const main = async (): Promise<void> => {
  let config: WorkerConfig;
  try {
    config = loadWorkerConfig(process.env);
  } catch (error) {
    return exitOnConfigError(error);
  }
  try {
    const logger = createWorkerLogger(config);
    const { app } = await startWorker(config, logger);
    exitGracefullyOnSignals(app, logger);
  } catch (error) {
    process.stderr.write(`evaluation-worker: failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  }
};

void main();
