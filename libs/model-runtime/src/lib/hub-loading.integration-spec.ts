import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFixtureModel } from '@sentiment-ops/model-fixtures';
import { resolveModelSpec } from './model-registry';
import { hashFile } from './model-version';
import { TransformerModelRuntime } from './transformer-runtime';
import { configureTransformersEnv } from './transformers-env';

// The hub download path, exercised against a local server that speaks the hub's file API
// (GET /<repo>/resolve/<revision>/<file>) and serves a fixture model, since the real hub is
// unreachable here. Then the same model loads offline from the cache alone.
describe('loading a model from a hub endpoint', () => {
  let work: string;
  let fixture: string;
  let server: Server;
  let endpoint: string;
  const requests: string[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'hub-'));
    fixture = (await buildFixtureModel({ size: 'tiny', outDir: join(work, 'repo'), seed: 11 })).dir;
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const match = /^\/acme\/tiny-sentiment\/resolve\/main\/(.+)$/.exec(decodeURIComponent(req.url ?? ''));
      const file = match && join(fixture, match[1]);
      if (!file || file.includes('..') || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end('Entry not found');
        return;
      }
      res.writeHead(200, { 'content-length': statSync(file).size, 'content-type': 'application/octet-stream' });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(work, { recursive: true, force: true });
  });

  it('downloads into the cache, reports progress, then loads offline without any request', async () => {
    const cacheDir = join(work, 'cache');
    configureTransformersEnv({ cacheDir, offline: false, hubEndpoint: endpoint });
    const spec = resolveModelSpec('acme/tiny-sentiment', {}, { defaultDtype: 'q8' });
    expect(spec.kind).toBe('hub');
    const progress: string[] = [];
    const online = await TransformerModelRuntime.load(spec, {
      cacheDir,
      intraOpNumThreads: 1,
      maxSubBatchSize: 8,
      maxSubBatchTokens: 1024,
      onProgress: (info) => info.file && progress.push(`${info.status}:${info.file}`),
    });
    expect(requests.some((url) => url.endsWith('/onnx/model_quantized.onnx'))).toBe(true);
    expect(progress).toContain('done:onnx/model_quantized.onnx');
    expect(online.descriptor.version).toBe(await hashFile(join(fixture, 'onnx/model_quantized.onnx')));
    const [onlinePrediction] = await online.predict(['cached for later']);
    await online.dispose();

    const before = requests.length;
    configureTransformersEnv({ cacheDir, offline: true });
    const offline = await TransformerModelRuntime.load(spec, { cacheDir, intraOpNumThreads: 1, maxSubBatchSize: 8, maxSubBatchTokens: 1024 });
    const [offlinePrediction] = await offline.predict(['cached for later']);
    await offline.dispose();
    expect(requests.length).toBe(before);
    expect(offlinePrediction.probabilities).toEqual(onlinePrediction.probabilities);
  });

  it('fails clearly offline when the model was never downloaded', async () => {
    configureTransformersEnv({ cacheDir: join(work, 'empty-cache'), offline: true });
    const spec = resolveModelSpec('acme/never-pulled', {}, { defaultDtype: 'q8' });
    await expect(TransformerModelRuntime.load(spec, { cacheDir: join(work, 'empty-cache'), intraOpNumThreads: 1, maxSubBatchSize: 8, maxSubBatchTokens: 1024 })).rejects.toThrow(
      /could not load model "acme\/never-pulled"/,
    );
  });
});
