import type { INestApplicationContext, LoggerService } from '@nestjs/common';

/**
 * SIGTERM / SIGINT: stop taking work, let every module close what it opened (Nest shutdown
 * hooks: in-flight requests and jobs finish within their grace periods), then exit 0. A second
 * signal exits at once with 1. Replaces Nest's enableShutdownHooks(), which re-raises the signal
 * and so never exits 0.
 */
export const exitGracefullyOnSignals = (app: INestApplicationContext, logger: LoggerService, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void => {
  let closing = false;
  for (const signal of signals) {
    process.on(signal, () => {
      if (closing) process.exit(1);
      closing = true;
      logger.log(`${signal} received: finishing in-flight work, then exiting`, 'Shutdown');
      app.close().then(
        () => process.exit(0),
        (error: Error) => {
          logger.error(`shutdown failed: ${error.message}`, 'Shutdown');
          process.exit(1);
        },
      );
    });
  }
};
