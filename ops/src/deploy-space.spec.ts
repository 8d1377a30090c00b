import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import { APP_CONTRACTS } from './app-contracts';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the deploy script is a tools/ CLI; its tests live with the other operations checks
import { deploySpace, parseDeployArgs, renderSpaceFiles, runDeploySpace, SPACE_FILES, spaceHost, type SpaceTarget } from '../../tools/scripts/deploy-space';

interface RecordedCall {
  method: string;
  path: string;
  authorization?: string;
  body: string;
}

/** A stand-in for the Hugging Face hub API: records every call, answers like the hub does for small files. */
const startFakeHub = async (spaceExists: boolean): Promise<{ url: string; calls: RecordedCall[]; server: Server }> => {
  const calls: RecordedCall[] = [];
  const readBody = async (request: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const path = request.url ?? '';
      calls.push({ method: request.method ?? '', path, authorization: request.headers.authorization, body });
      const json = (status: number, value: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      };
      if (request.method === 'GET' && path.startsWith('/api/spaces/team/sentiment-demo?')) return spaceExists ? json(200, { id: 'team/sentiment-demo' }) : json(404, { error: 'Repository not found' });
      if (request.method === 'POST' && path === '/api/repos/create') return json(200, { url: `${url}/spaces/team/sentiment-demo`, id: 'team/sentiment-demo' });
      if (request.method === 'POST' && path === '/api/spaces/team/sentiment-demo/preupload/main') {
        const files = (JSON.parse(body) as { files: Array<{ path: string }> }).files;
        return json(200, { files: files.map((file) => ({ path: file.path, uploadMode: 'regular' })) });
      }
      if (request.method === 'POST' && path === '/api/spaces/team/sentiment-demo/commit/main') return json(200, { commitOid: 'c0ffee', commitUrl: `${url}/spaces/team/sentiment-demo/commit/c0ffee` });
      return json(404, { error: `unexpected ${request.method} ${path}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, calls, server };
};

const target: SpaceTarget = { space: 'team/sentiment-demo', imageOwner: 'acme', tag: '1.2.0' };
const token = 'hf_test_token_not_real_0123456789';

/** The files of a recorded commit call (NDJSON lines of base64 contents). */
const committedFiles = (call: RecordedCall): Record<string, string> =>
  Object.fromEntries(
    call.body
      .split('\n')
      .map((line) => JSON.parse(line) as { key: string; value: { path: string; content: string } })
      .filter((line) => line.key === 'file')
      .map((line) => [line.value.path, Buffer.from(line.value.content, 'base64').toString('utf8')]),
  );

describe('tools/scripts/deploy-space.ts (Hugging Face Space deployment)', () => {
  it('renders a Docker Space: README front matter for port 7860, a Dockerfile from the pushed images, no placeholder left', () => {
    const files = renderSpaceFiles(target);
    expect(files.map((file) => file.path)).toEqual([...SPACE_FILES]);
    const text = Object.fromEntries(files.map((file) => [file.path, file.content]));
    const frontMatter = parse((text['README.md'] ?? '').split('---\n')[1] ?? '') as Record<string, unknown>;
    expect(frontMatter).toMatchObject({ sdk: 'docker', app_port: 7860, title: expect.any(String) });
    expect(text['Dockerfile']).toContain('FROM ghcr.io/acme/sentiment-ops-inference:1.2.0 AS inference');
    expect(text['Dockerfile']).toContain('FROM ghcr.io/acme/sentiment-ops-gateway:1.2.0');
    expect(text['Dockerfile']).toMatch(/PORT=7860/);
    expect(text['Dockerfile']).toMatch(/MODEL_ID=sentiment-lite/);
    expect(text['README.md']).toContain(`https://${spaceHost(target.space)}/api/v1/sentiment`);
    expect(files.some((file) => /__[A-Z_]+__/.test(file.content))).toBe(false);
  });

  it('the Space environment is read by the gateway or the replica, passes both config loaders, and serves app_port', () => {
    const text = Object.fromEntries(renderSpaceFiles(target).map((file) => [file.path, file.content]));
    const envBlock = /^ENV ((?:.*\\\n)*.*)$/m.exec(text['Dockerfile'] ?? '')?.[1] ?? '';
    const env = Object.fromEntries(
      envBlock
        .replace(/\\\n/g, ' ')
        .split(/\s+/)
        .filter(Boolean)
        .map((pair) => pair.split('=') as [string, string]),
    );
    const apps = APP_CONTRACTS.filter((app) => app.name === 'gateway' || app.name === 'inference');
    expect(Object.keys(env).filter((name) => !apps.some((app) => app.envNames.includes(name)))).toEqual([]);
    for (const app of apps) expect(() => app.loadConfig(env)).not.toThrow();
    const frontMatter = parse((text['README.md'] ?? '').split('---\n')[1] ?? '') as { app_port: number };
    expect(env['PORT']).toBe(String(frontMatter.app_port));
    expect(text['Dockerfile']).toContain(`EXPOSE ${frontMatter.app_port}`);
  });

  it('--dry-run prints the target and each file with its size, without any network call or token', async () => {
    const lines: string[] = [];
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    try {
      const code = await runDeploySpace(['--space', 'team/sentiment-demo', '--image-owner', 'Acme', '--tag', '1.2.0', '--dry-run'], {}, (line) => lines.push(line));
      expect(code).toBe(0);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
    const output = lines.join('\n');
    expect(output).toContain('target: https://huggingface.co/spaces/team/sentiment-demo');
    for (const file of renderSpaceFiles(target)) expect(output).toMatch(new RegExp(`${file.path.replace('.', '\\.')}\\s+${Buffer.byteLength(file.content)} bytes`));
    expect(output).toContain('dry run: nothing uploaded');
  });

  it('refuses bad arguments (exit 2) and a real run without HF_TOKEN (exit 1)', async () => {
    const lines: string[] = [];
    expect(await runDeploySpace(['--space', 'no-owner', '--image-owner', 'acme'], {}, (line) => lines.push(line))).toBe(2);
    expect(await runDeploySpace(['--space', 'team/x', '--image-owner', 'acme', '--force'], {}, (line) => lines.push(line))).toBe(2);
    expect(await runDeploySpace(['--space', 'team/x', '--image-owner', 'acme'], {}, (line) => lines.push(line))).toBe(1);
    expect(lines.join('\n')).toMatch(/HF_TOKEN is not set/);
    expect(parseDeployArgs([], { HF_SPACE: 'team/y', GITHUB_REPOSITORY_OWNER: 'Acme' }).target).toEqual({ space: 'team/y', imageOwner: 'acme', tag: 'main' });
  });

  it('creates a missing Space (Docker SDK) and commits every file, with the token as bearer', async () => {
    const hub = await startFakeHub(false);
    try {
      const files = renderSpaceFiles(target);
      const outcome = await deploySpace(target, files, { accessToken: token, hubUrl: hub.url });
      expect(outcome).toEqual({ created: true, commitUrl: `${hub.url}/spaces/team/sentiment-demo/commit/c0ffee` });
      expect(hub.calls.map((call) => `${call.method} ${call.path.split('?')[0]}`)).toEqual([
        'GET /api/spaces/team/sentiment-demo',
        'POST /api/repos/create',
        'POST /api/spaces/team/sentiment-demo/preupload/main',
        'POST /api/spaces/team/sentiment-demo/commit/main',
      ]);
      expect(hub.calls.every((call) => call.authorization === `Bearer ${token}`)).toBe(true);
      expect(JSON.parse(hub.calls[1]?.body ?? '{}')).toMatchObject({ type: 'space', sdk: 'docker', name: 'sentiment-demo', organization: 'team' });
      expect(committedFiles(hub.calls[3] as RecordedCall)).toEqual(Object.fromEntries(files.map((file) => [file.path, file.content])));
    } finally {
      hub.server.close();
    }
  });

  it('updates an existing Space without creating it; the CLI reads HF_TOKEN and never prints it', async () => {
    const hub = await startFakeHub(true);
    const lines: string[] = [];
    try {
      const code = await runDeploySpace(['--space', 'team/sentiment-demo', '--image-owner', 'acme', '--tag', '1.2.0', '--hub-url', hub.url], { HF_TOKEN: token }, (line) => lines.push(line));
      expect(code).toBe(0);
      expect(hub.calls.map((call) => call.path.split('?')[0])).not.toContain('/api/repos/create');
      expect(Object.keys(committedFiles(hub.calls.at(-1) as RecordedCall)).sort()).toEqual([...SPACE_FILES].sort());
      expect(lines.join('\n')).toContain(`committed 3 files: ${hub.url}/spaces/team/sentiment-demo/commit/c0ffee`);
      expect(lines.join('\n')).not.toContain(token);
    } finally {
      hub.server.close();
    }
  });

  it('fails when the hub refuses the commit', async () => {
    const hub = await startFakeHub(true);
    try {
      await expect(deploySpace({ ...target, space: 'team/other' }, renderSpaceFiles(target), { accessToken: token, hubUrl: hub.url })).rejects.toThrow();
    } finally {
      hub.server.close();
    }
  });
});
