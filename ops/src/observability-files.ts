import type { QuerySite, RecordingRule } from './metric-references';
import { listRepoFiles, readRepoFile, readYaml } from './repo-files';

export const RULE_FILES_FOLDER = 'docker/prometheus/rules';
export const DASHBOARDS_FOLDER = 'docker/grafana/dashboards';

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface RuleFile {
  groups: { name: string; rules: (AlertRule | RecordingRule)[] }[];
}

export const ruleFiles = (): string[] => listRepoFiles(RULE_FILES_FOLDER, '.yml');

const rulesOf = (file: string): (AlertRule | RecordingRule)[] => (readYaml(file) as RuleFile).groups.flatMap((group) => group.rules);

export const recordingRules = (): { file: string; rule: RecordingRule }[] =>
  ruleFiles().flatMap((file) => rulesOf(file).filter((rule): rule is RecordingRule => 'record' in rule).map((rule) => ({ file, rule })));

export const alertRules = (): { file: string; rule: AlertRule }[] =>
  ruleFiles().flatMap((file) => rulesOf(file).filter((rule): rule is AlertRule => 'alert' in rule).map((rule) => ({ file, rule })));

export const alertQuerySites = (): QuerySite[] =>
  alertRules().map(({ file, rule }) => ({ where: `${file} alert ${rule.alert}`, expr: rule.expr, templates: Object.values(rule.annotations ?? {}) }));

/** A dashboard panel query on the Postgres datasource. */
export interface SqlSite {
  where: string;
  sql: string;
  /** Grafana's result format: `time_series` needs a `time` column. */
  format: string;
}

interface GrafanaTarget {
  refId?: string;
  expr?: string;
  rawSql?: string;
  format?: string;
  legendFormat?: string;
}
interface GrafanaPanel {
  title?: string;
  type?: string;
  targets?: GrafanaTarget[];
  panels?: GrafanaPanel[];
}
export interface GrafanaVariable {
  name: string;
  type: string;
  query?: string | { query?: string };
  definition?: string;
  includeAll?: boolean;
  datasource?: { type?: string; uid?: string };
}
export interface GrafanaDashboard {
  uid: string;
  title: string;
  panels: GrafanaPanel[];
  templating?: { list: GrafanaVariable[] };
}

export const dashboardFiles = (): string[] => listRepoFiles(DASHBOARDS_FOLDER, '.json');

export const readDashboard = (file: string): GrafanaDashboard => JSON.parse(readRepoFile(file)) as GrafanaDashboard;

/** Panels in display order, rows' nested panels included. */
export const allPanels = (dashboard: GrafanaDashboard): GrafanaPanel[] =>
  dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);

const variableQuery = (variable: GrafanaVariable): string => (typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? ''));

/**
 * A Prometheus variable query as PromQL: `label_values(m{…}, l)` becomes `group by (l) (m{…})`, so the
 * label is checked against the metric like any `by` list; `query_result(expr)` is its expression.
 */
export const variableAsPromql = (query: string): string | undefined => {
  const labelValues = /^\s*label_values\(\s*(.+)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/s.exec(query);
  if (labelValues) return `group by (${labelValues[2]}) (${labelValues[1]})`;
  const queryResult = /^\s*query_result\((.*)\)\s*$/s.exec(query);
  return queryResult?.[1];
};

export const dashboardQuerySites = (file: string): { promql: QuerySite[]; sql: SqlSite[] } => {
  const dashboard = readDashboard(file);
  const promql: QuerySite[] = [];
  const sql: SqlSite[] = [];
  for (const panel of allPanels(dashboard)) {
    for (const target of panel.targets ?? []) {
      const where = `${file} panel "${panel.title}" query ${target.refId ?? '?'}`;
      if (target.expr !== undefined) promql.push({ where, expr: target.expr, templates: target.legendFormat ? [target.legendFormat] : [] });
      if (target.rawSql !== undefined) sql.push({ where, sql: target.rawSql, format: target.format ?? 'table' });
    }
  }
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query' || variable.datasource?.type !== 'prometheus') continue;
    const where = `${file} variable $${variable.name}`;
    const expr = variableAsPromql(variableQuery(variable));
    if (expr === undefined) throw new Error(`${where}: only label_values(…) and query_result(…) queries are checked, got ${variableQuery(variable)}`);
    promql.push({ where, expr });
  }
  return { promql, sql };
};
