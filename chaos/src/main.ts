// `npm run test:chaos [-- --only <name>[,<name>]] [--list]`: starts real processes, injects each
// fault under load, prints the per-scenario table, exits 1 unless every scenario passes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureTinyModel } from '@sentiment-ops/testing';
import { LEGEND, renderDetails, renderTable } from './report/table';
import { passed, type ScenarioResult } from './report/tally';
import { runScenario, scenarioSlug, type Scenario } from './scenarios/harness';
import { postgresOutage } from './scenarios/dependency-faults';
import { baseline, redisCrash, redisRestart, replicaKill } from './scenarios/inference-faults';
import { gatewaySigterm, replicaSigterm, workerKill, workerSigterm } from './scenarios/process-faults';
import { ChaosStack } from './stack/chaos-stack';
import { writeChaosDataset } from './stack/services';

const SCENARIOS: Scenario[] = [baseline, replicaKill, redisRestart, redisCrash, postgresOutage, workerKill, replicaSigterm, workerSigterm, gatewaySigterm];

const log = (line: string): void => console.log(`[chaos] ${line}`);

const select = (argv: string[]): Scenario[] => {
  const index = argv.indexOf('--only');
  if (index === -1) return SCENARIOS;
  const wanted = (argv[index + 1] ?? '').split(',').filter(Boolean);
  const chosen = SCENARIOS.filter((s) => wanted.some((w) => scenarioSlug(s.name).startsWith(w)));
  if (chosen.length === 0) throw new Error(`--only ${wanted.join(',')} matches no scenario; see --list`);
  return chosen;
};

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--list')) {
    for (const s of SCENARIOS) console.log(`${scenarioSlug(s.name)}: ${s.fault}`);
    return 0;
  }
  const scenarios = select(argv);
  const started = Date.now();
  const model = await ensureTinyModel();
  const datasetsDir = mkdtempSync(join(tmpdir(), 'chaos-datasets-'));
  writeChaosDataset(datasetsDir, 3_000);
  const logDir = resolve(__dirname, '../../tmp/chaos-logs', new Date().toISOString().replace(/[:.]/g, '-'));
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of scenarios) {
      log(`${scenario.name}: ${scenario.fault}`);
      const result = await runScenario(scenario, { fixtures: { model, datasetsDir }, logDir, log });
      log(`${scenario.name}: ${passed(result) ? 'PASS' : 'FAIL'} in ${(result.durationMs / 1000).toFixed(1)} s`);
      results.push(result);
    }
  } finally {
    rmSync(datasetsDir, { recursive: true, force: true });
  }
  console.log(`\n${renderTable(results)}\n\n${renderDetails(results)}\n\n${LEGEND.join('\n')}\n`);
  const failed = results.filter((r) => !passed(r)).length;
  console.log(`chaos: ${results.length - failed} passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return failed === 0 ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`chaos: ${signal}, stopping every process the suite started`);
    void ChaosStack.killEverything().finally(() => process.exit(130));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`chaos: ${error.stack ?? error.message}`);
    process.exit(2);
  },
);
