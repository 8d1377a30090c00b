// `npm start`: builds the apps, then runs every service in the foreground as one log stream,
// each line prefixed with its service name. Ctrl-C (or SIGTERM) stops them all gracefully.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureRedis } from './ensure-redis.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const services = [
  { name: 'inference', project: 'inference', color: 35 },
  { name: 'gateway', project: 'gateway', color: 36 },
  { name: 'evaluation-worker', project: 'evaluation-worker', color: 33 },
];

const build = spawnSync(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'run-many', '-t', 'build', '-p', ...services.map((s) => s.project), '--outputStyle=static'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NX_DAEMON: 'false' },
});
if (build.status !== 0) process.exit(build.status ?? 1);

const stopRedis = await ensureRedis((line) => console.log(`[start] ${line}`));
process.on('exit', () => stopRedis());

// A local user opens the web UI without a key: open the prediction endpoints unless told otherwise.
// Everything else (evaluations, models, /admin) still needs a key from API_KEYS.
if (process.env.AUTH_PUBLIC_PREDICT === undefined) {
  process.env.AUTH_PUBLIC_PREDICT = 'true';
  console.log('[start] AUTH_PUBLIC_PREDICT=true (it was not set): predictions work without an API key on this local stack; other endpoints need a key from API_KEYS (docs/security.md)');
}

const width = Math.max(...services.map((s) => s.name.length));
const useColor = process.stdout.isTTY;
const label = (service) => {
  const text = `[${service.name}]`.padEnd(width + 2);
  return useColor ? `\u001b[${service.color}m${text}\u001b[0m` : text;
};

let stopping = false;
const children = services.map((service) => {
  const child = spawn(process.execPath, [join(root, 'dist/apps', service.project, 'main.js')], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${label(service)} ${line}\n`));
  }
  child.on('exit', (code, signal) => {
    process.stdout.write(`${label(service)} exited (${signal ?? code})\n`);
    // The others keep serving (predictions do not need the worker); Ctrl-C stops what is left.
    if (!stopping && code) exitCode = code;
  });
  return child;
});

let exitCode = 0;
function stopAll(code = 0) {
  stopping = true;
  exitCode = code;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
const waitAll = Promise.all(children.map((child) => new Promise((done) => (child.exitCode !== null ? done() : child.on('exit', done)))));
waitAll.then(() => process.exit(exitCode));
