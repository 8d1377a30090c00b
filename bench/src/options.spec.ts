import { BenchUsageError, parseBenchArgs } from './options';

describe('parseBenchArgs', () => {
  it('has full-run defaults and quick-run overrides', () => {
    const full = parseBenchArgs([]);
    const quick = parseBenchArgs(['--quick']);
    if (full === 'help' || quick === 'help') throw new Error('unexpected help');
    expect(full).toMatchObject({ quick: false, dtype: 'q8', concurrency: [1, 8, 32, 128], durationSeconds: 15, soakSeconds: 300, peer: true, scaleOut: true });
    expect(quick).toMatchObject({ quick: true, durationSeconds: 6, soakSeconds: 0 });
  });

  it('reads every option', () => {
    const options = parseBenchArgs(['--dtype', 'fp32', '--concurrency', '2,4', '--duration=3', '--threads', '1', '--soak', '0', '--no-peer', '--no-scale-out', '--sweep', '--corpus', 'c.jsonl', '--model-dir', 'm', '--tokenizer', 't', '--out', 'o']);
    expect(options).toMatchObject({ dtype: 'fp32', concurrency: [2, 4], durationSeconds: 3, threads: 1, soakSeconds: 0, peer: false, scaleOut: false, sweep: true, corpus: 'c.jsonl', modelDir: 'm', tokenizer: 't', outDir: 'o' });
  });

  it('refuses bad values with the option name', () => {
    expect(() => parseBenchArgs(['--dtype', 'int4'])).toThrow(new BenchUsageError('--dtype must be q8 or fp32'));
    expect(() => parseBenchArgs(['--concurrency', '8,x'])).toThrow(/--concurrency/);
    expect(() => parseBenchArgs(['--duration', '0'])).toThrow(/--duration/);
    expect(() => parseBenchArgs(['--bogus'])).toThrow(BenchUsageError);
    expect(parseBenchArgs(['--help'])).toBe('help');
  });
});
