import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateModelFolder } from './model-folder';
import { BUILT_IN_MODEL_REGISTRY, DEFAULT_MODEL_NAME, resolveModelSpec } from './model-registry';

describe('resolveModelSpec', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'registry-'));
    mkdirSync(join(dir, 'my-model'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('maps the production model name to its ONNX export on the hub', () => {
    expect(resolveModelSpec(DEFAULT_MODEL_NAME, BUILT_IN_MODEL_REGISTRY, { defaultDtype: 'q8' })).toEqual({
      name: DEFAULT_MODEL_NAME,
      kind: 'hub',
      location: 'Xenova/twitter-roberta-base-sentiment-latest',
      revision: 'main',
      dtype: 'q8',
      labels: undefined,
    });
  });
  it('resolves registered local folders, plain folders and hub ids', () => {
    const registry = { mine: { source: './my-model', revision: 'v2', dtype: 'fp32' as const } };
    expect(resolveModelSpec('mine', registry, { defaultDtype: 'q8', cwd: dir })).toMatchObject({ kind: 'local', location: join(dir, 'my-model'), revision: 'v2', dtype: 'fp32' });
    expect(resolveModelSpec(join(dir, 'my-model'), {}, { defaultDtype: 'q8' })).toMatchObject({ kind: 'local', dtype: 'q8' });
    expect(resolveModelSpec('someone/some-model', {}, { defaultDtype: 'fp32' })).toMatchObject({ kind: 'hub', location: 'someone/some-model' });
  });
  it('falls back to the dtype whose ONNX file a local folder has', () => {
    mkdirSync(join(dir, 'fp32-only', 'onnx'), { recursive: true });
    writeFileSync(join(dir, 'fp32-only', 'onnx', 'model.onnx'), 'x');
    expect(resolveModelSpec(join(dir, 'fp32-only'), {}, { defaultDtype: 'q8' })).toMatchObject({ dtype: 'fp32' });
    expect(resolveModelSpec(join(dir, 'my-model'), {}, { defaultDtype: 'q8' })).toMatchObject({ dtype: 'q8' }); // neither file: as configured
  });

  it('rejects names that are neither registered, a folder nor a hub id', () => {
    expect(() => resolveModelSpec('no-such-model', BUILT_IN_MODEL_REGISTRY, { defaultDtype: 'q8' })).toThrow(/unknown model "no-such-model"/);
  });
});

describe('validateModelFolder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'folder-'));
    mkdirSync(join(dir, 'onnx'));
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) writeFileSync(join(dir, file), '{}');
    writeFileSync(join(dir, 'onnx/model_quantized.onnx'), 'x');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a complete folder', () => {
    expect(() => validateModelFolder(dir, 'q8')).not.toThrow();
  });
  it('names the missing file', () => {
    rmSync(join(dir, 'tokenizer_config.json'));
    expect(() => validateModelFolder(dir, 'q8')).toThrow(/missing tokenizer_config\.json/);
    expect(() => validateModelFolder(dir, 'fp32')).toThrow(/onnx\/model\.onnx/);
  });
  it('rejects malformed JSON and a missing folder', () => {
    writeFileSync(join(dir, 'config.json'), '{oops');
    expect(() => validateModelFolder(dir, 'q8')).toThrow(/config\.json is not valid JSON/);
    expect(() => validateModelFolder(join(dir, 'nope'), 'q8')).toThrow(/does not exist/);
  });
});

describe('folders a caller may name', () => {
  const root = mkdtempSync(join(tmpdir(), 'allowed-models-'));
  const allowed = join(root, 'models');
  const outside = join(root, 'elsewhere');
  mkdirSync(join(allowed, 'finetuned', 'mine'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  symlinkSync(outside, join(allowed, 'escape'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const resolveAs = (name: string) => resolveModelSpec(name, { registered: { source: outside, revision: 'local' } }, { defaultDtype: 'q8', allowedFolders: [allowed] });

  it('accepts folders under the allowed roots', () => {
    expect(resolveAs(join(allowed, 'finetuned', 'mine'))).toMatchObject({ kind: 'local', location: join(allowed, 'finetuned', 'mine') });
  });

  it('refuses other folders, symlinks out of the roots and traversal, with the same answer as an unknown name', () => {
    for (const name of [outside, '/etc', join(allowed, 'escape'), join(allowed, '..', 'elsewhere'), '/proc/self']) {
      expect(() => resolveAs(name)).toThrow(/unknown model .*not a registered name, a hub id or a folder under the model folders/);
    }
  });

  it('still trusts registry entries, wherever their folder is', () => {
    expect(resolveAs('registered')).toMatchObject({ kind: 'local', location: outside });
  });
});
