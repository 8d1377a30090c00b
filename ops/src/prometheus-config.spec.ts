import { alertRules, allPanels, dashboardFiles, readDashboard } from './observability-files';
import { listRepoFiles, readRepoFile, readYaml } from './repo-files';

interface ScrapeJob {
  job_name: string;
  metrics_path?: string;
  authorization?: { type?: string; credentials_file?: string; credentials?: string };
  dns_sd_configs?: { names: string[]; type: string; port: number }[];
  static_configs?: { targets: string[] }[];
}
interface PrometheusConfig {
  rule_files: string[];
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: ScrapeJob[];
}
interface AlertmanagerRoute {
  receiver: string;
  matchers?: string[];
  routes?: AlertmanagerRoute[];
}
interface AlertmanagerConfig {
  route: AlertmanagerRoute;
  receivers: { name: string; webhook_configs?: Record<string, unknown>[] }[];
}

const prometheus = readYaml('docker/prometheus/prometheus.yml') as PrometheusConfig;
const alertmanager = readYaml('docker/alertmanager/alertmanager.yml') as AlertmanagerConfig;
const operationsDoc = readRepoFile('docs/operations.md');
const composeServices = Object.keys((readYaml('docker/compose.yml') as { services: Record<string, unknown> }).services);

/** The port an app listens on by default, from its .env.example (checked against its env schema by the app's own test). */
const defaultPort = (app: string, variable: string): number => {
  const match = new RegExp(`^${variable}=(\\d+)$`, 'm').exec(readRepoFile(`apps/${app}/.env.example`));
  if (!match) throw new Error(`apps/${app}/.env.example has no ${variable}`);
  return Number(match[1]);
};

/** The path an app's metrics controller serves, from its @Controller prefix and @Get route. */
const metricsPath = (app: string): string => {
  const source = readRepoFile(`apps/${app}/src/metrics/metrics.controller.ts`);
  const prefix = /@Controller\((?:'([^']*)')?\)/.exec(source)?.[1] ?? '';
  const route = /@Get\('(metrics)'\)/.exec(source)?.[1];
  if (!route) throw new Error(`apps/${app}/src/metrics/metrics.controller.ts serves no metrics route`);
  return `/${[prefix, route].filter(Boolean).join('/')}`;
};

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const headingAnchors = (markdown: string): Set<string> =>
  new Set([...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => match[1].trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')));

const section = (markdown: string, heading: string): string => {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/operations.md has no "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
};

describe('Prometheus scrape configuration', () => {
  const job = (name: string): ScrapeJob => {
    const found = prometheus.scrape_configs.find((candidate) => candidate.job_name === name);
    if (!found) throw new Error(`no scrape job ${name}`);
    return found;
  };

  it.each([
    ['gateway', 'gateway', 'PORT', 'gateway'],
    ['inference', 'inference', 'INFERENCE_HTTP_PORT', 'inference'],
    ['evaluation-worker', 'evaluation-worker', 'WORKER_HTTP_PORT', 'worker'],
  ])('scrapes %s on the path and port the app serves, found by DNS on its compose service', (jobName, app, portVariable, service) => {
    const scrape = job(jobName);
    expect(scrape.metrics_path).toBe(metricsPath(app));
    expect(scrape.dns_sd_configs).toEqual([expect.objectContaining({ names: [service], type: 'A', port: defaultPort(app, portVariable) })]);
    expect(composeServices).toContain(service);
  });

  it('sends the gateway its METRICS_TOKEN from a file, never inline', () => {
    expect(job('gateway').authorization).toEqual({ type: 'Bearer', credentials_file: expect.stringMatching(/^\/run\/secrets\//) });
    expect(readRepoFile('docker/prometheus/prometheus.yml')).not.toMatch(/^\s*(credentials|bearer_token):/m);
  });

  it('loads the rule folder and alerts the compose Alertmanager', () => {
    expect(prometheus.rule_files).toEqual(['rules/*.yml']);
    const [target] = prometheus.alerting.alertmanagers[0].static_configs[0].targets;
    expect(composeServices).toContain(target.split(':')[0]);
  });
});

describe('alert rules', () => {
  const alerts = alertRules();
  const anchors = headingAnchors(operationsDoc);

  it('cover the failure classes of the issue', () => {
    expect(alerts.map(({ rule }) => rule.alert)).toEqual(
      expect.arrayContaining(['GatewayDown', 'NoInferenceReplicas', 'GatewayHighErrorRate', 'PredictionLatencyOverBudget', 'LiveLaneBacklog', 'EvaluationJobsFailing', 'ModelAccuracyBelowFloor', 'DatasetDriftDetected', 'CriticalDriftAlert', 'DriftReportStale', 'AlertWebhookFailing']),
    );
    expect(new Set(alerts.map(({ rule }) => rule.alert)).size).toBe(alerts.length);
  });

  it.each(alerts.map(({ rule }) => [rule.alert, rule] as const))('%s has a severity, a summary, a description and a runbook anchor that exists in docs/operations.md', (name, rule) => {
    expect(['critical', 'warning', 'info']).toContain(rule.labels?.['severity']);
    expect(rule.annotations).toEqual(expect.objectContaining({ summary: expect.any(String), description: expect.any(String), runbook_url: `docs/operations.md#${name.toLowerCase()}` }));
    expect(anchors.has(name.toLowerCase())).toBe(true);
  });

  it('each have a promtool unit test where they fire (docker/prometheus/tests)', () => {
    interface RuleTestFile {
      tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
    }
    const firing = new Set(
      listRepoFiles('docker/prometheus/tests', '.yml').flatMap((file) =>
        (readYaml(file) as RuleTestFile).tests.flatMap((test) => (test.alert_rule_test ?? []).filter((check) => check.exp_alerts.length > 0).map((check) => check.alertname)),
      ),
    );
    expect(alerts.map(({ rule }) => rule.alert).filter((name) => !firing.has(name))).toEqual([]);
  });

  it('have no runbook entry left over from a removed alert', () => {
    const documented = [...section(operationsDoc, 'Alerts').matchAll(/^### (\S+)$/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual(alerts.map(({ rule }) => rule.alert).sort());
  });

  it('are all routed: critical and warning to the webhook, info nowhere', () => {
    const routeFor = (severity: string): string =>
      alertmanager.route.routes?.find((route) => route.matchers?.includes(`severity="${severity}"`))?.receiver ?? alertmanager.route.receiver;
    const receivers = new Map(alertmanager.receivers.map((receiver) => [receiver.name, receiver]));
    expect(receivers.get(routeFor('critical'))?.webhook_configs).toEqual([expect.objectContaining({ url_file: expect.stringMatching(/^\/run\/secrets\//) })]);
    expect(receivers.get(routeFor('warning'))?.webhook_configs).toHaveLength(1);
    expect(receivers.get(routeFor('info'))?.webhook_configs).toBeUndefined();
    expect(readRepoFile('docker/alertmanager/alertmanager.yml')).not.toMatch(/^\s*url:/m);
  });
});

describe('docs/operations.md', () => {
  it('explains every dashboard and every panel', () => {
    const dashboards = section(operationsDoc, 'Dashboards');
    for (const file of dashboardFiles()) {
      const dashboard = readDashboard(file);
      expect({ file, dashboard: dashboards.includes(`### ${dashboard.title}\n`) }).toEqual({ file, dashboard: true });
      for (const panel of allPanels(dashboard)) expect({ file, panel: panel.title, explained: dashboards.includes(`**${panel.title}**`) }).toEqual({ file, panel: panel.title, explained: true });
    }
  });
});
