import type { CeilingResult } from './ceiling';
import { evaluateTargets, renderMarkdown, slopeMbPerMinute, type BenchReport, type PhaseResult } from './report';

const MB = 1024 * 1024;

const phase = (connections: number, reqPerSec: number, p50Ms: number, p99Ms: number, extra: Partial<PhaseResult> = {}): PhaseResult => ({
  connections,
  seconds: 10,
  requests: reqPerSec * 10,
  ok: reqPerSec * 10,
  errors: 0,
  failures: {},
  reqPerSec,
  p50Ms,
  p95Ms: p99Ms * 0.9,
  p99Ms,
  meanMs: p50Ms,
  ...extra,
});

const ceiling = (dtype: 'q8' | 'fp32', itemsPerSec: number, singleMs: number, gflops: number): CeilingResult => {
  const points = [
    { batchSize: 1, calls: 100, items: 100, itemsPerSec: itemsPerSec * 0.9, callP50Ms: singleMs, meanTokens: 26, tokenizeShare: 0.02, achievedGflops: gflops * 0.9 },
    { batchSize: 8, calls: 20, items: 160, itemsPerSec, callP50Ms: 80, meanTokens: 26, tokenizeShare: 0.01, achievedGflops: gflops },
  ];
  return { settings: { dtype, intraOpThreads: 2 }, loadSeconds: 1, loadRssBytes: 400 * MB, points, best: points[1] };
};

const report = (): Omit<BenchReport, 'targets'> => ({
  date: '2026-11-29T00:00:00.000Z',
  command: 'npm run bench -- --quick',
  machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 24, node: '20', onnxruntime: '1.30.0', transformers: '4.3.2', os: 'linux' },
  model: { dir: 'models/fixtures/base', dtype: 'q8', fileBytes: 200 * MB, fileBytesByDtype: { q8: 200 * MB, fp32: 400 * MB }, weightFlopsPerToken: 170e6 },
  hardware: { limits: [{ dtype: 'fp32', gflops: 300, shape: '512x768x3072' }, { dtype: 'int8', gflops: 700, shape: '32x768x3072' }] },
  ceiling: { q8: ceiling('q8', 100, 10, 400), fp32: ceiling('fp32', 40, 25, 180) },
  ours: [phase(1, 80, 12, 20, { serverRssBytes: 550 * MB, meanBatchSize: 1 }), phase(32, 95, 300, 450, { serverRssBytes: 620 * MB, meanBatchSize: 9.5 })],
  peer: [phase(1, 85, 11, 15), phase(32, 50, 600, 2000)],
  durationSeconds: 200,
});

describe('bench targets', () => {
  it('computes every target as a ratio of figures from the same run', () => {
    const targets = evaluateTargets(report());
    const byName = Object.fromEntries(targets.map((t) => [t.name.split(' (')[0].split(' at ')[0], t]));
    expect(byName['ours / ceiling throughput']).toMatchObject({ value: 0.95, met: true });
    expect(byName['ours / peer throughput']).toMatchObject({ value: 1.9, met: false });
    expect(byName['ours p99 / peer p99']).toMatchObject({ value: 0.225, met: true });
    expect(byName['added latency']).toMatchObject({ value: 2, met: true });
    expect(byName['fp32 achieved / measured MatMul limit']).toMatchObject({ value: 0.6, met: true });
    expect(byName['inference peak RSS /'].value).toBeCloseTo(620 / 600);
    expect(byName['inference peak RSS /'].met).toBe(false);
  });

  it('marks targets it could not measure instead of passing them', () => {
    const partial = { ...report(), peer: [] };
    const peerTarget = evaluateTargets(partial).find((t) => t.name.startsWith('ours / peer'));
    expect(peerTarget).toMatchObject({ value: undefined, met: undefined });
  });

  it('renders the targets, ceiling and load tables in Markdown', () => {
    const full: BenchReport = { ...report(), targets: evaluateTargets(report()) };
    const markdown = renderMarkdown(full);
    expect(markdown).toContain('| ours / peer throughput at concurrency 32 | 1.90 | >= 2.5 | **no** |');
    expect(markdown).toContain('| q8 | 8 | 100.0 | 80.0 | 26.0 | 1.0 % | 400.0 | best |');
    expect(markdown).toContain('| peer | 32 | 50.0 | 600.0 |');
    expect(markdown).toContain('Machine: Test CPU, 2 cores');
  });
});

describe('slopeMbPerMinute', () => {
  it('fits a line through RSS samples', () => {
    const samples = [0, 1, 2, 3].map((minute) => ({ atMs: minute * 60_000, rssBytes: (500 + 2 * minute) * MB }));
    expect(slopeMbPerMinute(samples)).toBeCloseTo(2);
    expect(slopeMbPerMinute(samples.slice(0, 1))).toBe(0);
  });
});
