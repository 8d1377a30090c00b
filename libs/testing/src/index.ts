export * from './lib/fixture-model';
export * from './lib/processes';
export * from './lib/redis';
export * from './lib/wait-for';
export * from './lib/postgres';
export * from './lib/synthetic-traffic';
export * from './lib/browser';
