import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  TEST_REDIS_URL,
  createTestDatabase,
  deleteKeys,
  freePort,
  spawnService,
  startEvaluationWorker,
  startInferenceReplica,
  uniquePrefix,
  waitFor,
  type ServiceProcess,
  type TestDatabase,
} from '@sentiment-ops/testing';
import type { DriftReport } from '@sentiment-ops/contracts';
import { findExecutable, startTool, type BackgroundTool } from './external-tools';
import { alertQuerySites, dashboardFiles, dashboardQuerySites, readDashboard, recordingRules, variableAsPromql, type GrafanaVariable } from './observability-files';
import { extractPromqlReferences, type PromqlReferences } from './promql';
import { readYaml, repoPath } from './repo-files';

/*
 * The dashboards and rules against the real thing: Debian's Prometheus scrapes a gateway, an inference
 * replica (the committed sentiment-lite model) and an evaluation worker, with the recording and alert rules
 * loaded, while the test sends predictions, runs an evaluation and a drift report. Then every panel query,
 * variable and rule expression is evaluated through Prometheus's HTTP API.
 */
const prometheusBinary = findExecutable('prometheus');
const METRICS_TOKEN = 'ops-live-metrics-token-0123456789abcdef';
const OPERATOR_KEY = 'sk_ops_live_operator_0123456789abcdefghijklmnopqrstuvwxyz';
// Grafana's built-in variables, as Grafana would set them for a short range at a 1 s scrape interval.
const BUILT_INS: Record<string, string> = { __rate_interval: '20s', __range: '5m', __interval: '5s' };

interface PromResponse<T> {
  status: string;
  error?: string;
  data: T;
}

interface ScrapeJob {
  job_name: string;
  dns_sd_configs?: unknown;
  static_configs?: { targets: string[] }[];
  authorization?: { type: string; credentials_file: string };
}

// Labels whose values come from the stack's own configuration (or a Grafana variable filled from real values):
// a query on stored series that matches only on these and still finds nothing has a wrong value in it.
// Other labels (feature, state, outcome, class_label…) depend on what happened, so emptiness proves nothing.
const CONFIGURED_LABELS = new Set(['job', 'service', 'lane', 'replica', 'instance']);

const mustHaveData = (references: PromqlReferences, stored: Set<string>): boolean =>
  !references.filters &&
  references.selectors.every(
    (selector) =>
      selector.metric === undefined ||
      // ALERTS is Prometheus's alert state: empty whenever nothing fires, however right the query is.
      (stored.has(selector.metric) &&
        selector.metric !== 'ALERTS' &&
        selector.matcherLabels.every((label, i) => CONFIGURED_LABELS.has(label) || selector.matcherValues[i].includes('$'))),
  );

describe('dashboards and rules on a live Prometheus', () => {
  const services: ServiceProcess[] = [];
  let prometheus: BackgroundTool | undefined;
  let prometheusUrl = '';
  let gatewayUrl = '';
  let database: TestDatabase | undefined;
  let scratch = '';
  const prefix = uniquePrefix('ops-prometheus');
  const variables: Record<string, string> = {};
  let driftReport: DriftReport | undefined;

  const query = async <T = { resultType: string; result: unknown[] }>(path: string, params: Record<string, string>): Promise<PromResponse<T>> =>
    (await fetch(`${prometheusUrl}${path}?${new URLSearchParams(params)}`)).json() as Promise<PromResponse<T>>;

  const interpolate = (expression: string): string =>
    expression.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      const value = BUILT_INS[name] ?? variables[name];
      if (value === undefined) throw new Error(`no value for ${whole}`);
      return value;
    });

  beforeAll(async () => {
    if (!prometheusBinary) {
      console.warn('Skipping the live Prometheus test: the prometheus binary is not on PATH (apt-get install prometheus; CI installs it).');
      return;
    }
    scratch = mkdtempSync(join(tmpdir(), 'ops-prometheus-live-'));
    const datasetsDir = join(scratch, 'datasets');
    mkdirSync(join(datasetsDir, 'tweeteval_sentiment'), { recursive: true });
    const labels = ['negative', 'neutral', 'positive'];
    const words = ['love', 'hate', 'meeting', 'great', 'awful', 'today'];
    const rows = (count: number, offset: number) =>
      Array.from({ length: count }, (_, i) => JSON.stringify({ text: `${words[i % 6]} ${words[(i * 5) % 6]} row ${i + offset}`, label: labels[i % 3] })).join('\n') + '\n';
    // test: the evaluation and the drift reference; val: the drift report's confidence calibration.
    writeFileSync(join(datasetsDir, 'tweeteval_sentiment', 'test.jsonl'), rows(40, 0));
    writeFileSync(join(datasetsDir, 'tweeteval_sentiment', 'val.jsonl'), rows(40, 1000));
    database = await createTestDatabase('ops_prometheus_live');
    const shared = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, DATABASE_URL: database.url, LOG_FORMAT: 'json' };

    const [replica, worker] = await Promise.all([
      startInferenceReplica({ ...shared, MODEL_ID: 'sentiment-lite', HF_HUB_OFFLINE: '1', INTRA_OP_THREADS: '1' }, { readyTimeoutMs: 120_000 }),
      startEvaluationWorker({ ...shared, DATASETS_DIR: datasetsDir }, { readyTimeoutMs: 120_000 }),
    ]);
    services.push(replica, worker);
    const gatewayPort = await freePort();
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const gateway = spawnService('gateway', 'apps/gateway/src/main.ts', {
      ...shared,
      PORT: String(gatewayPort),
      HOST: '127.0.0.1',
      METRICS_TOKEN,
      API_KEYS: `ops-operator:operator:${OPERATOR_KEY}`,
      AUTH_PUBLIC_PREDICT: 'true',
      PREDICTION_LOG_SAMPLE_RATE: '1',
    });
    services.push(gateway);
    await waitFor(async () => (await fetch(`${gatewayUrl}/ready`).catch(() => undefined))?.ok, { timeoutMs: 120_000, intervalMs: 200, what: 'the gateway to be ready' });

    // The compose scrape config with DNS discovery swapped for these processes' ports, everything else as shipped.
    const shipped = readYaml('docker/prometheus/prometheus.yml') as { scrape_configs: ScrapeJob[]; rule_files: string[] };
    const tokenFile = join(scratch, 'metrics_token');
    writeFileSync(tokenFile, METRICS_TOKEN);
    const prometheusPort = await freePort();
    const ports: Record<string, number> = { gateway: gatewayPort, inference: replica.httpPort, 'evaluation-worker': worker.httpPort, prometheus: prometheusPort };
    const scrapeConfigs = shipped.scrape_configs
      .filter((job) => ports[job.job_name] !== undefined)
      .map(({ dns_sd_configs: _dns, static_configs: _static, ...job }) => ({
        ...job,
        ...(job.authorization ? { authorization: { ...job.authorization, credentials_file: tokenFile } } : {}),
        static_configs: [{ targets: [`127.0.0.1:${ports[job.job_name]}`] }],
      }));
    expect(scrapeConfigs.map((job) => job.job_name).sort()).toEqual(['evaluation-worker', 'gateway', 'inference', 'prometheus']);
    writeFileSync(
      join(scratch, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
        rule_files: shipped.rule_files.map((pattern) => repoPath('docker/prometheus', pattern)),
        scrape_configs: scrapeConfigs,
      }),
    );
    prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    prometheus = startTool(prometheusBinary, [
      `--config.file=${join(scratch, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(scratch, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${prometheusPort}`,
    ]);
    await waitFor(
      async () => {
        const targets = (await query<{ activeTargets: { health: string }[] }>('/api/v1/targets', {}).catch(() => undefined))?.data?.activeTargets;
        return targets && targets.length === 4 && targets.every((target) => target.health === 'up');
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'every scrape target to be up' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- prometheus output ---\n${prometheus?.output().slice(-4000)}`);
    });

    // Traffic while Prometheus watches: predictions, a refused request, an unauthenticated call, an evaluation.
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${gatewayUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    for (let round = 0; round < 5; round += 1) {
      await Promise.all(words.map((word, i) => post('/api/v1/sentiment', { text: `${word} live round ${round} ${i}` })));
      await post('/api/v1/sentiment/batch', { texts: words.map((word) => `${word} batch ${round}`) });
    }
    expect((await post('/api/v1/sentiment', { text: '   ' })).status).toBe(422);
    expect((await fetch(`${gatewayUrl}/api/v1/evaluations`)).status).toBe(401);
    const evaluation = await post('/api/v1/evaluate?dataset=tweet_eval&split=test&samples=30&sampling=first', {}, { 'x-api-key': OPERATOR_KEY });
    expect(evaluation.status).toBe(202);
    const { statusUrl } = (await evaluation.json()) as { statusUrl: string };
    await waitFor(
      async () => {
        const run = (await (await fetch(`${gatewayUrl}${statusUrl}`, { headers: { 'x-api-key': OPERATOR_KEY } })).json()) as { status: string };
        if (run.status === 'failed' || run.status === 'cancelled') throw new Error(`evaluation ${run.status}`);
        return run.status === 'completed';
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the evaluation to complete' },
    );
    // A drift report of the logged live traffic against the labelled test split: the drift series get values.
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // one prediction-log flush (PREDICTION_LOG_FLUSH_MS)
    const drift = await post('/api/v1/drift/run', { reference: { dataset: 'tweet_eval', split: 'test', samples: 30 } }, { 'x-api-key': OPERATOR_KEY });
    expect(drift.status).toBe(202);
    const { statusUrl: reportUrl } = (await drift.json()) as { statusUrl: string };
    driftReport = await waitFor(
      async () => {
        const report = (await (await fetch(`${gatewayUrl}${reportUrl}`, { headers: { 'x-api-key': OPERATOR_KEY } })).json()) as DriftReport;
        if (report.status === 'failed') throw new Error(`drift report failed: ${report.error}`);
        return report.status === 'completed' ? report : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the drift report to complete' },
    );
    // More traffic spread over a few scrapes, so rates and quantiles have samples on both sides.
    for (let second = 0; second < 6; second += 1) {
      await Promise.all(words.map((word, i) => post('/api/v1/sentiment', { text: `${word} later ${second} ${i}` })));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    await waitFor(async () => ((await query('/api/v1/query', { query: 'model_accuracy and on () sentiment_drift_last_report_timestamp_seconds > 0' })).data.result.length > 0 ? true : undefined), {
      timeoutMs: 15_000,
      intervalMs: 250,
      what: 'the evaluation and drift gauges to be scraped',
    });
  }, 300_000);

  afterAll(async () => {
    await prometheus?.stop();
    await Promise.all(services.map((service) => service.stop('SIGTERM')));
    await database?.drop();
    await deleteKeys(prefix);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  const whenPrometheus = prometheusBinary ? it : it.skip;

  /** Picks each variable's first value (or All), in dashboard order, as Grafana does on load; returns the empty ones. */
  const resolveVariables = async (): Promise<string[]> => {
    const empty: string[] = [];
    for (const file of dashboardFiles()) {
      for (const variable of readDashboard(file).templating?.list ?? []) {
        const values = await variableValues(variable);
        if (values.length === 0) empty.push(`${file} $${variable.name}`);
        variables[variable.name] = variable.includeAll ? '.*' : (values[0] ?? '');
      }
    }
    return empty;
  };

  whenPrometheus('gives every dashboard variable at least one value from its label_values query', async () => {
    expect(await resolveVariables()).toEqual([]);
  });

  whenPrometheus('evaluates every panel query, and each one over series Prometheus holds returns data', async () => {
    await resolveVariables();
    const stored = new Set((await query<string[]>('/api/v1/label/__name__/values', {})).data);
    const empty: string[] = [];
    let withData = 0;
    for (const file of dashboardFiles()) {
      for (const site of dashboardQuerySites(file).promql.filter((candidate) => !candidate.where.includes(' variable $'))) {
        const response = await query('/api/v1/query', { query: interpolate(site.expr) });
        expect({ where: site.where, status: response.status, error: response.error }).toEqual({ where: site.where, status: 'success', error: undefined });
        const references = extractPromqlReferences(site.expr);
        if (response.data.result.length > 0) withData += 1;
        else if (mustHaveData(references, stored)) empty.push(site.where);
      }
    }
    // A query over stored series that finds nothing filters on a label value no series has (a wrong job, service or lane).
    expect(empty).toEqual([]);
    expect(withData).toBeGreaterThanOrEqual(30);
  });

  whenPrometheus('records every recording rule whose inputs exist, and evaluates every alert expression', async () => {
    const stored = new Set((await query<string[]>('/api/v1/label/__name__/values', {})).data);
    for (const { rule } of recordingRules()) {
      const inputs = extractPromqlReferences(rule.expr).selectors.map((selector) => selector.metric ?? '');
      if (inputs.every((name) => stored.has(name))) expect({ rule: rule.record, recorded: stored.has(rule.record) }).toEqual({ rule: rule.record, recorded: true });
    }
    for (const site of alertQuerySites()) {
      expect({ where: site.where, status: (await query('/api/v1/query', { query: site.expr })).status }).toEqual({ where: site.where, status: 'success' });
    }
  });

  whenPrometheus('raises the drift report\'s verdict and CRITICAL alerts as Prometheus alerts, and no availability alert', async () => {
    const alerts = (await query<{ result: { metric: Record<string, string> }[] }>('/api/v1/query', { query: 'ALERTS' })).data.result.map((alert) => alert.metric);
    console.log(`alerts on the test stack: ${alerts.map((alert) => `${alert['alertname']} (${alert['alertstate']})`).join(', ') || 'none'}`);
    const firing = (name: string) => alerts.filter((alert) => alert['alertname'] === name && alert['alertstate'] === 'firing');
    // The report's own alerts travel through sentiment_drift_alerts_total; the first one of a type appears at 1.
    const criticalTypes = [...new Set(driftReport?.alerts.filter((alert) => alert.severity === 'CRITICAL').map((alert) => alert.type))].sort();
    expect(firing('CriticalDriftAlert').map((alert) => alert['type']).sort()).toEqual(criticalTypes);
    expect(firing('DatasetDriftDetected').length).toBe(driftReport?.result?.dataset.drifted ? 1 : 0);
    for (const name of ['GatewayDown', 'NoInferenceReplicas', 'InferenceReplicaDown', 'EvaluationWorkerDown', 'GatewayHighErrorRate', 'EvaluationJobsFailing', 'ScheduledRunFailed']) {
      expect({ name, firing: firing(name).length }).toEqual({ name, firing: 0 });
    }
  });

  const variableValues = async (variable: GrafanaVariable): Promise<string[]> => {
    const promql = variableAsPromql(typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? ''));
    if (!promql) throw new Error(`variable ${variable.name} has no label_values query`);
    const response = await query<{ result: { metric: Record<string, string> }[] }>('/api/v1/query', { query: interpolate(promql) });
    const label = /group by \((\w+)\)/.exec(promql)?.[1] ?? '';
    return response.data.result.map((series) => series.metric[label]).filter((value): value is string => Boolean(value));
  };
});
