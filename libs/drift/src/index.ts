export * from './lib/chi-square';
export * from './lib/detect-drift';
export * from './lib/drift.errors';
export type { Distribution } from './lib/inputs';
export * from './lib/jensen-shannon';
export * from './lib/kolmogorov-smirnov';
export * from './lib/population-stability';
export * from './lib/special-functions';
export * from './lib/wasserstein';
