import { Registry, collectDefaultMetrics } from 'prom-client';
import * as metricsLibrary from '@sentiment-ops/metrics';
import { listRepoFiles, readRepoFile } from './repo-files';

/** A series name Prometheus can hold, with the labels it may carry. */
export interface SeriesEntry {
  /** The metric it comes from (a histogram's `_bucket` series belongs to the histogram). */
  metric: string;
  labels: Set<string>;
}

/** Labels Prometheus adds to every scraped series (its target labels). */
export const TARGET_LABELS = ['job', 'instance'] as const;

/** Series Prometheus writes itself for every target (https://prometheus.io/docs/concepts/jobs_instances/). */
const PROMETHEUS_GENERATED_SERIES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'];

type MetricFactory = (registry: Registry, read: () => Promise<never>) => unknown;

const isMetricFactory = (name: string, value: unknown): boolean => typeof value === 'function' && /^create[A-Z]\w*Metrics?$/.test(name) && name !== 'createMetricsRegistry';

/**
 * Default labels the apps give their registries (`createMetricsRegistry({ service: 'gateway' })`), read from
 * the apps' sources: ops may not import app code, and a label renamed there must show up here.
 */
export const appDefaultLabels = (): string[] => {
  const labels = new Set<string>();
  for (const file of listRepoFiles('apps', '.ts').filter((path) => !/\.(spec|integration-spec|e2e-spec)\.ts$/.test(path))) {
    for (const call of readRepoFile(file).matchAll(/createMetricsRegistry\(\{([^}]*)\}\)/g)) {
      for (const key of call[1].matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*:/g)) labels.add(key[1]);
    }
  }
  return [...labels].sort();
};

/**
 * Every series our code can expose: each `create…Metric(s)` factory of @sentiment-ops/metrics run on a fresh
 * registry with prom-client's default collectors (as `createMetricsRegistry` does), expanded the way the text
 * format exposes them (a histogram as `_bucket` with `le`, `_sum`, `_count`; never under its bare name).
 */
export const buildSeriesCatalog = async (): Promise<{ series: Map<string, SeriesEntry>; factories: string[] }> => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const factories: string[] = [];
  for (const [name, value] of Object.entries(metricsLibrary)) {
    if (!isMetricFactory(name, value)) continue;
    // Scrape-time readers (Redis, BullMQ) are not connected here: they fail, and the gauges report nothing.
    (value as MetricFactory)(registry, () => Promise.reject(new Error('not connected in the catalog')));
    factories.push(name);
  }
  const defaultLabels = appDefaultLabels();
  // labelNames is set on every prom-client metric but missing from its MetricObject type.
  const labelsOf = new Map(registry.getMetricsAsArray().map((metric) => [metric.name, (metric as unknown as { labelNames?: string[] }).labelNames ?? []]));
  const series = new Map<string, SeriesEntry>();
  for (const { name, type: metricType } of await registry.getMetricsAsJSON()) {
    const type = String(metricType);
    const labels = new Set([...(labelsOf.get(name) ?? []), ...defaultLabels, ...TARGET_LABELS]);
    if (type === 'histogram') {
      series.set(`${name}_bucket`, { metric: name, labels: new Set([...labels, 'le']) });
      series.set(`${name}_sum`, { metric: name, labels });
      series.set(`${name}_count`, { metric: name, labels });
    } else if (type === 'summary') {
      series.set(name, { metric: name, labels: new Set([...labels, 'quantile']) });
      series.set(`${name}_sum`, { metric: name, labels });
      series.set(`${name}_count`, { metric: name, labels });
    } else {
      series.set(name, { metric: name, labels });
    }
  }
  for (const name of PROMETHEUS_GENERATED_SERIES) series.set(name, { metric: name, labels: new Set(TARGET_LABELS) });
  return { series, factories: factories.sort() };
};
