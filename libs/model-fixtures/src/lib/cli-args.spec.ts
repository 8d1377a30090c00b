import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FixtureUsageError, parseFixtureCliArgs } from './cli-args';
import { removeTempDirs, tempDir } from './testing/ort-helpers';

const REPO = resolve(__dirname, '../../../..');
const TOKENIZER = '/work/shared/data/tokenizers/roberta-base';

afterAll(removeTempDirs);
describe('parseFixtureCliArgs', () => {
  it('parses a full command line', () => {
    expect(parseFixtureCliArgs(['--size', 'base', '--out', 'm', '--tokenizer', TOKENIZER, '--seed', '7', '--labels', 'neg,neu,pos', '--dtype', 'q8'])).toEqual({
      help: false,
      options: {
        size: 'base',
        outDir: 'm',
        tokenizerDir: TOKENIZER,
        seed: 7,
        id2label: { '0': 'neg', '1': 'neu', '2': 'pos' },
        dtypes: ['q8'],
      },
    });
    expect(parseFixtureCliArgs(['--help'])).toEqual({ help: true });
  });

  it.each([
    [[], /--size is required/],
    [['--size', 'huge', '--out', 'x'], /--size must be one of tiny\|base/],
    [['--size', 'tiny'], /--out is required/],
    [['--size', 'base', '--out', 'x'], /--size base needs --tokenizer/],
    [['--size', 'tiny', '--out', 'x', '--tokenizer', '/nonexistent'], /is not a folder/],
    [['--size', 'tiny', '--out', 'x', '--seed', '1.5'], /--seed must be an integer/],
    [['--size', 'tiny', '--out', 'x', '--seed=-3'], /--seed must be an integer/],
    [['--size', 'tiny', '--out', 'x', '--seed', '4294967296'], /--seed must be an integer/],
    [['--size', 'tiny', '--out', 'x', '--labels', 'a,,b'], /--labels/],
    [['--size', 'tiny', '--out', 'x', '--dtype', 'fp16'], /--dtype/],
    [['--size', 'tiny', '--out', 'x', '--bogus'], /Unknown option '--bogus'/],
    [['--size', 'tiny', '--out', 'x', 'extra'], /positional/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseFixtureCliArgs(argv)).toThrow(FixtureUsageError);
    expect(() => parseFixtureCliArgs(argv)).toThrow(message);
  });
});

describe('npm run models:fixture (tools/scripts/models-fixture.ts)', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['tools/scripts/run-ts.mjs', 'tools/scripts/models-fixture.ts', ...args], { cwd: REPO, encoding: 'utf8' });

  it('exits with code 2 and the usage on bad arguments', () => {
    const result = run('--size', 'huge', '--out', 'x');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--size must be one of tiny|base');
    expect(result.stderr).toContain('usage: npm run models:fixture');
  });

  it('builds a tiny model and prints files, sizes and the parameter count', () => {
    const out = join(tempDir('cli'), 'tiny');
    const result = run('--size', 'tiny', '--out', out, '--seed', '3');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/onnx\/model\.onnx\s+[\d.]+ KiB\s+\(\d+ bytes\)/);
    expect(result.stdout).toMatch(/onnx\/model_quantized\.onnx/);
    expect(result.stdout).toMatch(/parameters: [\d,]+/);
    expect(existsSync(join(out, 'onnx/model_quantized.onnx'))).toBe(true);
  });
});
