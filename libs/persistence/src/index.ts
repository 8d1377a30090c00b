export * from './lib/ensure-database';
export * from './lib/evaluation-run.repository';
export * from './lib/migrations';
export * from './lib/migrator';
export * from './lib/persistence.errors';
export * from './lib/pg-pool';
export * from './lib/migrate-database';
