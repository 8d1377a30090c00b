import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listRepoFiles, readRepoFile, repoPath } from '../repo-files';
import { dockerignoreExcludes } from './build-context';
import { appImageProblems } from './compose-stack';
import { commandWords, envPairs, isPinnedImage, parseDockerfile } from './dockerfile';
import { enginesAcceptNode, STACK_APPS } from './stack-apps';

const engines = (JSON.parse(readRepoFile('package.json')) as { engines: { node: string } }).engines.node;
const acceptsNodeVersion = (version: string): boolean => enginesAcceptNode(engines, version);
const DOCKERFILES = listRepoFiles('docker', '.Dockerfile');
const problemsOf = (path: string, text = readRepoFile(path)): string[] => appImageProblems(path, parseDockerfile(text), '.', acceptsNodeVersion, STACK_APPS);

describe('docker/*.Dockerfile', () => {
  it('one image per app, each following every rule', () => {
    expect(DOCKERFILES).toEqual(['docker/evaluation-worker.Dockerfile', 'docker/gateway.Dockerfile', 'docker/inference.Dockerfile']);
    for (const path of DOCKERFILES) expect({ path, problems: problemsOf(path) }).toEqual({ path, problems: [] });
  });

  it('all build on the same pinned Node image', () => {
    const images = new Set(DOCKERFILES.flatMap((path) => parseDockerfile(readRepoFile(path)).stages.map((stage) => stage.image)));
    expect([...images]).toEqual([expect.stringMatching(/^node:20\.\d+\.\d+-bookworm-slim$/)]);
  });

  it('bakes a hub model into the inference image only when MODEL_PULL is given, with the project\'s own puller', () => {
    const build = parseDockerfile(readRepoFile('docker/inference.Dockerfile')).stages[0];
    const pull = build.instructions.find((instruction) => instruction.keyword === 'RUN' && instruction.args.includes('model:pull'));
    expect(build.instructions.filter((instruction) => instruction.keyword === 'ARG').map((instruction) => instruction.args)).toContain('MODEL_PULL=""');
    expect(pull?.args).toMatch(/if \[ -n "\$MODEL_PULL" \]; then npm run model:pull -- "\$MODEL_PULL"/);
    expect(JSON.parse(readRepoFile('package.json')).scripts['model:pull']).toContain('tools/scripts/model-pull.ts');
  });
});

describe('the Dockerfile checker fails on a broken rule', () => {
  const gateway = readRepoFile('docker/gateway.Dockerfile');
  it.each<[string, (text: string) => string, string | RegExp]>([
    ['a floating base image', (text) => text.replace('FROM node:20.20.2-bookworm-slim AS runtime', 'FROM node:20-bookworm-slim AS runtime'), 'stage runtime: base image node:20-bookworm-slim is not pinned to a full version or digest'],
    ['a Node the workspace does not support', (text) => text.replaceAll('node:20.20.2-bookworm-slim', 'node:22.12.0-bookworm-slim'), 'stage build: node:22.12.0-bookworm-slim is a Node version package.json engines does not accept'],
    ['no USER', (text) => text.replace('USER node\n', ''), 'the final stage runs as root (no USER)'],
    ['USER root', (text) => text.replace('USER node', 'USER root'), /the final stage runs as root$/],
    ['no HEALTHCHECK', (text) => text.replace(/^HEALTHCHECK .*$/m, ''), 'the final stage has no HEALTHCHECK'],
    ['a curl HEALTHCHECK', (text) => text.replace(/CMD \["node", "healthcheck.js".*$/m, 'CMD curl -f http://127.0.0.1:8080/ready'), /HEALTHCHECK must run `node healthcheck.js`/],
    ['the health-check script never copied', (text) => text.replace('COPY docker/healthcheck.js ./healthcheck.js\n', ''), /healthcheck.js is never copied into the final stage/],
    ['a probe on a port the app does not use', (text) => text.replace('"PORT", "8080"', '"PORT", "3000"'), /health check probes port 3000, gateway listens on 8080/],
    ['a probe path the app lacks', (text) => text.replace('"8080", "/ready"', '"8080", "/healthz"'), /health check path \/healthz is not a GET route of gateway/],
    ['EXPOSE of another port', (text) => text.replace('EXPOSE 8080', 'EXPOSE 3000'), /EXPOSE 3000, gateway listens on 8080/],
    ['npm ci before the ORT skip', (text) => text.replace(/^ENV ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip NX_DAEMON/m, 'ENV NX_DAEMON'), /npm installs before ONNXRUNTIME_NODE_INSTALL and ONNXRUNTIME_NODE_INSTALL_CUDA=skip is set in stage build/],
    ['dev dependencies in the final stage', (text) => text.replace('npm ci --omit=dev', 'npm ci'), /the final stage installs dev dependencies/],
    ['a COPY source that does not exist', (text) => text.replace('COPY docker/healthcheck.js', 'COPY docker/probe.js'), /COPY source docker\/probe.js is missing from the build context/],
    ['a COPY source .dockerignore keeps out', (text) => text.replace('COPY docker/healthcheck.js ./healthcheck.js', 'COPY docker/healthcheck.js ./healthcheck.js\nCOPY models/cache ./models/cache'), /COPY source models\/cache is missing from the build context \(or excluded by .dockerignore\)/],
    ['COPY --from a stage that does not exist', (text) => text.replaceAll('--from=build', '--from=builder'), /COPY --from=builder names no earlier stage/],
    ['another app\'s build output', (text) => text.replace('COPY --from=build /repo/dist/apps/gateway ./', 'COPY --from=build /repo/dist/apps/inference ./'), /copies dist\/apps\/inference, but the build stage builds gateway/],
    ['a project that does not exist', (text) => text.replace('nx build gateway', 'nx build gateway-v2'), /builds no app the checks know \(gateway-v2\)/],
  ])('%s', (_name, change, expected) => {
    const changed = change(gateway);
    expect(changed).not.toBe(gateway);
    const problems = problemsOf('docker/gateway.Dockerfile', changed);
    if (typeof expected === 'string') expect(problems).toContain(`docker/gateway.Dockerfile: ${expected}`);
    else expect(problems).toContainEqual(expect.stringMatching(expected));
  });
});

describe('Dockerfile reading', () => {
  it('joins continuation lines, skips comments inside them, keeps stages and global ARGs apart', () => {
    const file = parseDockerfile('# syntax=docker/dockerfile:1\nARG BASE=node:20.20.2\nFROM ${BASE} AS one\nRUN a \\\n  # a comment\n  && b\nfrom one\nENV A=1 B="two words"\n');
    expect(file.globalArgs).toEqual({ BASE: 'node:20.20.2' });
    expect(file.stages.map((stage) => [stage.name, stage.image])).toEqual([
      ['one', '${BASE}'],
      ['1', 'one'],
    ]);
    expect(file.stages[0].instructions).toEqual([{ keyword: 'RUN', args: 'a  && b', line: 4 }]);
    expect(envPairs(file.stages[1].instructions[0].args)).toEqual({ A: '1', B: 'two words' });
    expect(envPairs('LEGACY some value')).toEqual({ LEGACY: 'some value' });
    expect(commandWords('["node", "x.js"]')).toEqual(['node', 'x.js']);
    expect(commandWords('node  x.js')).toEqual(['node', 'x.js']);
  });

  it.each([
    ['node:20.20.2-bookworm-slim', true],
    ['node:20-bookworm-slim', false],
    ['node:20.20-bookworm-slim', false],
    ['postgres:16.4-bookworm', true],
    ['redis:7-alpine', false],
    ['prom/prometheus:v2.55.1', true],
    ['grafana/grafana:latest', false],
    ['redis', false],
    [`redis@sha256:${'a'.repeat(64)}`, true],
  ])('%s pinned: %s', (image, pinned) => {
    expect(isPinnedImage(image)).toBe(pinned);
  });

  it('applies .dockerignore as Docker does: folders cover their contents, the last match wins', () => {
    const excluded = dockerignoreExcludes('# comment\nnode_modules\n**/*.log\nmodels/cache\n.env\n**/.env\n!**/.env.example\n');
    expect(['node_modules/x/y.js', 'apps/a/node.log', 'x.log', 'models/cache/hub/model.onnx', '.env', 'docker/.env'].filter(excluded)).toHaveLength(6);
    expect(['models/sentiment-lite/config.json', 'docker/.env.example', 'apps/gateway/.env.example', 'docker/healthcheck.js'].some(excluded)).toBe(false);
  });
});

describe('docker/healthcheck.js', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((request, response) => {
      response.statusCode = request.url === '/ready' ? 200 : 503;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const probe = (args: string[], env: Record<string, string> = {}): Promise<number | null> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [repoPath('docker/healthcheck.js'), ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: 'ignore' });
      child.on('exit', resolve);
    });

  it('exits 0 on a 2xx answer, on the port of the named variable when it is set', async () => {
    expect(await probe(['PORT', String(port), '/ready'])).toBe(0);
    expect(await probe(['PORT', '1', '/ready'], { PORT: String(port) })).toBe(0);
  });

  it('exits 1 on a non-2xx answer or nothing listening, 2 on a wrong invocation', async () => {
    expect(await probe(['PORT', String(port), '/not-ready'])).toBe(1);
    expect(await probe(['PORT', String(port), '/ready'], { PORT: '1' })).toBe(1);
    expect(await probe(['8080', '/ready'])).toBe(2);
  });
});
