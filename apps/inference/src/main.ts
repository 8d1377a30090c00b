import 'reflect-metadata';
import { exitOnConfigError } from '@sentiment-ops/config';
import { loadInferenceConfig, type InferenceConfig } from './config/inference.config';
import { startInference } from './bootstrap';

const main = async (): Promise<void> => {
  let config: InferenceConfig;
  try {
    config = loadInferenceConfig(process.env);
  } catch (error) {
    return exitOnConfigError(error);
  }
  try {
    await startInference(config);
  } catch (error) {
    // A replica that cannot load its model must not look alive: exit so the supervisor restarts it.
    process.stderr.write(`inference: failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  }
};

void main();
