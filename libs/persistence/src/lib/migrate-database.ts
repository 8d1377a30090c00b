import { ensureDatabase } from './ensure-database';
import { runMigrations } from './migrator';
import { createPgPool } from './pg-pool';

/**
 * Creates the database if missing and applies pending migrations: what `npm run db:migrate` and
 * every app's start-up run (the advisory lock makes concurrent runs safe).
 */
export const migrateDatabase = async (databaseUrl: string, applicationName = 'migrations'): Promise<string[]> => {
  await ensureDatabase(databaseUrl);
  const pool = createPgPool({ url: databaseUrl, applicationName });
  try {
    return await runMigrations(pool);
  } finally {
    await pool.end();
  }
};
