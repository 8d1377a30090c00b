import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SEED } from '@sentiment-ops/model-fixtures';
import { buildTinyModelInto, ensureTinyModel, findRepoRoot } from './fixture-model';

const created: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), `testing-${prefix}-`));
  created.push(dir);
  return dir;
};
afterAll(() => created.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('ensureTinyModel', () => {
  it('defaults to <repo>/tmp/models/tiny-fixture-<seed>', async () => {
    const root = findRepoRoot();
    expect(existsSync(join(root, 'nx.json'))).toBe(true);
    const dir = await ensureTinyModel();
    expect(dir).toBe(join(root, `tmp/models/tiny-fixture-${DEFAULT_SEED}`));
    expect(existsSync(join(dir, 'onnx/model_quantized.onnx'))).toBe(true);
  });

  it('builds once per folder and is safe when several processes race', async () => {
    const cacheDir = tempDir('ensure-race');
    // Three processes at once, like parallel Jest workers (their ~0.3 s builds overlap).
    const script = `require('@swc-node/register');
      require(${JSON.stringify(join(__dirname, 'fixture-model.ts'))})
        .ensureTinyModel({ seed: 11, cacheDir: ${JSON.stringify(cacheDir)} })
        .then((dir) => process.stdout.write(dir), (e) => { console.error(e); process.exit(1); });`;
    const child = () =>
      new Promise<string>((resolve, reject) => {
        const proc = spawn(process.execPath, ['-e', script], {
          cwd: findRepoRoot(),
          env: { ...process.env, SWC_NODE_PROJECT: join(findRepoRoot(), 'tsconfig.base.json') },
        });
        let out = '';
        let err = '';
        proc.stdout.on('data', (d) => (out += d));
        proc.stderr.on('data', (d) => (err += d));
        proc.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
      });
    const results = await Promise.all([child(), child(), child()]);
    // in one process, concurrent callers share the build in flight
    const first = ensureTinyModel({ seed: 11, cacheDir });
    expect(ensureTinyModel({ seed: 11, cacheDir })).toBe(first);
    results.push(await first);
    const expected = join(cacheDir, 'tiny-fixture-11');
    expect(results).toEqual(results.map(() => expected));
    // staging folders of the losers are gone; only the winner remains
    expect(readdirSync(cacheDir)).toEqual(['tiny-fixture-11']);
    expect(JSON.parse(readFileSync(join(expected, 'config.json'), 'utf8'))._fixture.seed).toBe(11);
  }, 30_000);

  it('rebuilds a cached folder left by another builder version', async () => {
    const cacheDir = tempDir('ensure-stale');
    const dir = await ensureTinyModel({ seed: 12, cacheDir });
    writeFileSync(join(dir, '.fixture-stamp'), 'old');
    writeFileSync(join(dir, 'config.json'), '{}');
    const again = await ensureTinyModel({ seed: 12, cacheDir });
    expect(again).toBe(join(cacheDir, 'tiny-fixture-12'));
    expect(JSON.parse(readFileSync(join(again, 'config.json'), 'utf8'))._fixture.seed).toBe(12);
  });
});

describe('buildTinyModelInto', () => {
  it('writes a relabelled variant with a deliberately missing file', async () => {
    const dir = tempDir('variant');
    const id2label = { '0': 'Negative', '1': 'Neutral', '2': 'Positive' };
    const info = await buildTinyModelInto(dir, { id2label, omitFiles: ['tokenizer_config.json'], config: { problem_type: 'single_label_classification', use_cache: undefined } });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config.id2label).toEqual(id2label);
    expect(config.label2id).toEqual({ Negative: 0, Neutral: 1, Positive: 2 });
    expect(config.problem_type).toBe('single_label_classification');
    expect('use_cache' in config).toBe(false);
    expect(existsSync(join(dir, 'tokenizer_config.json'))).toBe(false);
    expect(existsSync(join(dir, 'onnx/model.onnx'))).toBe(true);
    expect(info.files.map((f) => f.path)).not.toContain('tokenizer_config.json');
  });
});
