// Runs a TypeScript script of the repo (tools/scripts/*.ts) with the workspace path aliases,
// compiled on the fly by SWC, so scripts need no build step.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error('usage: node tools/scripts/run-ts.mjs <script.ts> [args...]');
  process.exit(2);
}
const result = spawnSync(process.execPath, ['-r', '@swc-node/register', resolve(root, script), ...args], {
  stdio: 'inherit',
  env: { ...process.env, SWC_NODE_PROJECT: resolve(root, 'tsconfig.base.json') },
});
process.exit(result.status ?? 1);
