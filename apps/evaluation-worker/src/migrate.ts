import { exitOnConfigError } from '@sentiment-ops/config';
import { migrateDatabase } from '@sentiment-ops/persistence';
import { loadWorkerConfig } from './config/worker.config';

/** `npm run db:migrate`: creates the database if missing and applies pending migrations. */
const main = async (): Promise<void> => {
  let databaseUrl: string;
  try {
    databaseUrl = loadWorkerConfig(process.env).databaseUrl;
  } catch (error) {
    return exitOnConfigError(error);
  }
  const applied = await migrateDatabase(databaseUrl);
  process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'database schema is up to date\n');
};

main().catch((error: Error) => {
  process.stderr.write(`db:migrate: ${error.message}\n`);
  process.exit(1);
});
