import { ConfigValidationError } from '@sentiment-ops/config';
import { loadGatewayConfig } from '../config/gateway.config';

/** The `VARIABLE: message` lines loadGatewayConfig refuses `env` with (none when it loads). */
export const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadGatewayConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems.map((p) => `${p.variable}: ${p.message}`);
    throw error;
  }
  return [];
};
