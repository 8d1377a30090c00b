// Used by `npm start` and `npm test`: if nothing answers on REDIS_URL (default 127.0.0.1:6379)
// and a local `redis-server` is installed, start a throw-away one (no persistence) for the
// duration of the command. Returns a function that stops it again.
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';

const ping = (host, port) =>
  new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });

export const ensureRedis = async (log = (line) => console.log(line)) => {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 6379);
  if (await ping(host, port)) return () => undefined;
  if (!['127.0.0.1', 'localhost'].includes(host) || spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error(`no Redis answers at ${host}:${port}; start one (e.g. apt-get install redis-server) or set REDIS_URL`);
  }
  log(`no Redis at ${host}:${port}: starting a temporary redis-server`);
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 50 && !(await ping(host, port)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await ping(host, port))) throw new Error('redis-server did not start');
  return () => child.kill('SIGTERM');
};
