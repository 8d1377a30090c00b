import { extractPromqlReferences, templateLabels } from './promql';
import type { SeriesEntry } from './registered-metrics';

export type SeriesCatalog = Map<string, SeriesEntry>;

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/** A PromQL expression found in a rule or dashboard file, with where it came from for the failure message. */
export interface QuerySite {
  where: string;
  expr: string;
  /** Legend format or annotation texts whose `{{label}}` must be labels of the queried series. */
  templates?: string[];
}

const histogramHint = (metric: string, catalog: SeriesCatalog): string =>
  catalog.has(`${metric}_bucket`) ? ` (a histogram exposes only ${metric}_bucket, ${metric}_sum and ${metric}_count)` : '';

/** What is wrong with one expression's series and labels; empty when every name is one our code registers. */
export const findReferenceProblems = (site: QuerySite, catalog: SeriesCatalog): string[] => {
  let references;
  try {
    references = extractPromqlReferences(site.expr);
  } catch (error) {
    return [`${site.where}: cannot read the expression: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  const labelsInScope = new Set<string>();
  for (const selector of references.selectors) {
    if (selector.metric === undefined) continue;
    const entry = catalog.get(selector.metric);
    if (!entry) {
      problems.push(`${site.where}: unknown series "${selector.metric}"${histogramHint(selector.metric, catalog)}`);
      continue;
    }
    entry.labels.forEach((label) => labelsInScope.add(label));
    for (const label of selector.matcherLabels) {
      if (!entry.labels.has(label)) problems.push(`${site.where}: "${selector.metric}" has no label "${label}" (it has ${[...entry.labels].sort().join(', ')})`);
    }
  }
  if (references.selectors.length > 0 && labelsInScope.size > 0) {
    for (const label of new Set([...references.groupingLabels, ...(site.templates ?? []).flatMap(templateLabels)])) {
      if (!labelsInScope.has(label)) problems.push(`${site.where}: label "${label}" is on none of the series it queries`);
    }
  }
  return problems;
};

/**
 * Adds recording rules to the catalog, in file order (a rule may use an earlier one). The labels of a
 * rule's series are its aggregation's `by (…)` labels (without `le`, which histogram_quantile consumes), or
 * those of its inputs when it does not aggregate, plus its static labels.
 */
export const addRecordingRules = (catalog: SeriesCatalog, rules: RecordingRule[], where: (rule: RecordingRule) => string): string[] => {
  const problems: string[] = [];
  for (const rule of rules) {
    problems.push(...findReferenceProblems({ where: where(rule), expr: rule.expr }, catalog));
    const references = extractPromqlReferences(rule.expr);
    const grouped = references.byLabels.filter((label) => label !== 'le');
    const inherited = references.selectors.flatMap((selector) => [...(catalog.get(selector.metric ?? '')?.labels ?? [])]);
    const labels = new Set([...(grouped.length > 0 ? grouped : inherited), ...Object.keys(rule.labels ?? {})]);
    catalog.set(rule.record, { metric: rule.record, labels });
  }
  return problems;
};

/** Prometheus's own `ALERTS` series: one per pending or firing alert, labelled with the rule's name, state and static labels. */
export const addAlertsSeries = (catalog: SeriesCatalog, rules: { labels?: Record<string, string> }[]): void => {
  const labels = new Set(['alertname', 'alertstate', ...rules.flatMap((rule) => Object.keys(rule.labels ?? {}))]);
  catalog.set('ALERTS', { metric: 'ALERTS', labels });
};
