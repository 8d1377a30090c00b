import { collectDefaultMetrics, Registry } from 'prom-client';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** One registry per process, with Node's default process_* and nodejs_* collectors. */
export const createMetricsRegistry = (defaultLabels: Record<string, string> = {}): Registry => {
  const registry = new Registry();
  registry.setDefaultLabels(defaultLabels);
  collectDefaultMetrics({ register: registry });
  return registry;
};
