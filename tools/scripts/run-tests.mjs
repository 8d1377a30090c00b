// `npm test`: typechecks nothing, builds nothing; runs every Jest project of the workspace once
// (unit, integration and e2e suites) against the real Redis, then prints one plain summary line
// `N passed, N failed` (CI reads that line, not Jest's own summary).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRedis } from './ensure-redis.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = mkdtempSync(join(tmpdir(), 'sentiment-ops-jest-'));
const outputFile = join(outDir, 'results.json');

const stopRedis = await ensureRedis();
const jest = spawnSync(
  process.execPath,
  [join(root, 'node_modules/jest/bin/jest.js'), '--config', join(root, 'jest.config.cjs'), '--json', `--outputFile=${outputFile}`, ...process.argv.slice(2)],
  // A leaked handle must fail the run, not hang CI: Jest gets 20 minutes in all.
  { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' }, timeout: 20 * 60 * 1000, killSignal: 'SIGKILL' },
);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const results = JSON.parse(readFileSync(outputFile, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
  skipped = results.numPendingTests + results.numTodoTests;
} catch {
  failed = Math.max(1, failed); // Jest crashed before writing results
}
rmSync(outDir, { recursive: true, force: true });
stopRedis();

const code = jest.status ?? 1;
if (code !== 0 && failed === 0) failed = 1; // e.g. a suite failed to compile, or open handles
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(code === 0 && failed === 0 ? 0 : 1);
