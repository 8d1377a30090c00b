import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import { findExecutable, runTool } from './external-tools';
import { listRepoFiles, readYaml, repoPath } from './repo-files';

// promtool and amtool come from Debian's prometheus and prometheus-alertmanager packages; .ci/run installs them.
const promtoolPath = findExecutable('promtool');
const amtoolPath = findExecutable('amtool');
// Used only in tests that run when the tool was found.
const promtool = promtoolPath ?? 'promtool';
const amtool = amtoolPath ?? 'amtool';
const ruleFiles = listRepoFiles('docker/prometheus/rules', '.yml');
const ruleTestFiles = listRepoFiles('docker/prometheus/tests', '.yml');

interface PrometheusConfig {
  rule_files: string[];
  scrape_configs: { job_name: string; authorization?: { credentials_file?: string } }[];
}

describe('Prometheus files under promtool', () => {
  let scratch: string;
  beforeAll(() => {
    if (!promtoolPath) console.warn('Skipping the promtool checks: promtool is not on PATH (apt-get install prometheus; CI installs it).');
    scratch = mkdtempSync(join(tmpdir(), 'ops-promtool-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const whenPromtool = promtoolPath ? it : it.skip;

  whenPromtool('accepts prometheus.yml with its rule files and the bearer-token file in place', () => {
    expect(runTool(promtool, ['check', 'config', '--syntax-only', 'docker/prometheus/prometheus.yml'])).toEqual(expect.objectContaining({ status: 0 }));
    // The full check also opens the rule files and the token file: point them at the repository and a scratch file.
    const config = readYaml('docker/prometheus/prometheus.yml') as PrometheusConfig;
    const tokenFile = join(scratch, 'metrics_token');
    writeFileSync(tokenFile, 'scrape-token\n');
    const relocated: PrometheusConfig = {
      ...config,
      rule_files: config.rule_files.map((pattern) => repoPath('docker/prometheus', pattern)),
      scrape_configs: config.scrape_configs.map((job) =>
        job.authorization?.credentials_file ? { ...job, authorization: { ...job.authorization, credentials_file: tokenFile } } : job,
      ),
    };
    writeFileSync(join(scratch, 'prometheus.yml'), stringify(relocated));
    const run = runTool(promtool, ['check', 'config', join(scratch, 'prometheus.yml')]);
    expect(run).toEqual(expect.objectContaining({ status: 0 }));
    // Every rule file of the folder is loaded through the glob, none silently left out.
    for (const file of ruleFiles) expect(run.output).toContain(repoPath(file));
    expect(ruleFiles.length).toBeGreaterThanOrEqual(2);
  });

  whenPromtool('accepts every rule file', () => {
    const run = runTool(promtool, ['check', 'rules', ...ruleFiles]);
    expect(run.output).not.toMatch(/FAILED/);
    expect(run.status).toBe(0);
  });

  whenPromtool('passes the alert unit tests (error rate, drift, stale report, webhook, gateway down)', () => {
    expect(ruleTestFiles.length).toBeGreaterThanOrEqual(1);
    const run = runTool(promtool, ['test', 'rules', ...ruleTestFiles], 120_000);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  // The checks above prove something only if promtool rejects broken input the same way.
  whenPromtool('rejects a rule with invalid PromQL and a unit test whose expectation is wrong', () => {
    const brokenRules = join(scratch, 'broken-rules.yml');
    writeFileSync(brokenRules, stringify({ groups: [{ name: 'broken', rules: [{ alert: 'Broken', expr: 'sum by (service (rate(http_requests_total[5m]))' }] }] }));
    expect(runTool(promtool, ['check', 'rules', brokenRules]).status).not.toBe(0);

    for (const file of ruleFiles) copyFileSync(repoPath(file), join(scratch, basename(file)));
    const wrongTest = join(scratch, 'wrong.test.yml');
    writeFileSync(
      wrongTest,
      stringify({
        rule_files: ruleFiles.map((file) => basename(file)),
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [{ series: 'sentiment_drift_detected{feature="dataset"}', values: '0 0 0 0' }],
            alert_rule_test: [{ eval_time: '3m', alertname: 'DatasetDriftDetected', exp_alerts: [{ exp_labels: { severity: 'warning', feature: 'dataset' } }] }],
          },
        ],
      }),
    );
    expect(runTool(promtool, ['test', 'rules', wrongTest]).status).not.toBe(0);
  });
});

describe('Alertmanager configuration', () => {
  beforeAll(() => {
    if (!amtoolPath) console.warn('Skipping amtool check-config: amtool is not on PATH (apt-get install prometheus-alertmanager; CI installs it).');
  });

  (amtoolPath ? it : it.skip)('passes amtool check-config', () => {
    let run = runTool(amtool, ['check-config', 'docker/alertmanager/alertmanager.yml']);
    // Debian 12 ships Alertmanager 0.25, which predates the webhook's url_file (0.26, what compose runs):
    // check everything else with a placeholder URL rather than not at all.
    if (run.status !== 0 && /field url_file not found/.test(run.output)) {
      const scratch = mkdtempSync(join(tmpdir(), 'ops-amtool-'));
      try {
        const withUrl = readFileSync(repoPath('docker/alertmanager/alertmanager.yml'), 'utf8').replace(/url_file: .*/g, 'url: http://webhook.invalid/alerts');
        writeFileSync(join(scratch, 'alertmanager.yml'), withUrl);
        run = runTool(amtool, ['check-config', join(scratch, 'alertmanager.yml')]);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    }
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });
});
