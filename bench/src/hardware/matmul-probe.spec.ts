import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeModel, encodeModel } from '@sentiment-ops/model-fixtures';
import {
  MatMulProbeResult,
  ProbeDtype,
  ProbeOutput,
  buildMatMulProbeModel,
  probeMatMul,
  probeMatMulShapes,
  runMatMulProbeOnce,
  seededUniform,
} from './matmul-probe';

const TINY = { m: 8, k: 16, n: 16 };

function expectSaneResult(result: MatMulProbeResult, dtype: ProbeDtype): void {
  expect(result).toMatchObject({ dtype, ...TINY, intraOpThreads: 1 });
  expect(result.runs).toBeGreaterThanOrEqual(1);
  expect(Number.isFinite(result.msPerRun)).toBe(true);
  expect(result.msPerRun).toBeGreaterThan(0);
  expect(result.minMsPerRun).toBeGreaterThan(0);
  expect(result.minMsPerRun).toBeLessThanOrEqual(result.msPerRun);
  expect(Number.isFinite(result.gflops)).toBe(true);
  expect(result.gflops).toBeGreaterThan(0);
  expect(result.gflops).toBeCloseTo((2 * TINY.m * TINY.k * TINY.n) / (result.msPerRun / 1000) / 1e9, 6);
}

/** Float64 reference A[m,k]·B[k,n]. */
function jsMatMul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      for (let j = 0; j < n; j++) out[i * n + j] += aip * b[p * n + j];
    }
  }
  return out;
}

describe('probeMatMul', () => {
  let workDir: string;
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'bench-matmul-probe-'));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it.each<ProbeDtype>(['fp32', 'int8'])('measures a tiny %s matmul', async (dtype) => {
    const result = await probeMatMul({ dtype, intraOpThreads: 1, ...TINY, minSeconds: 0.05 });
    expectSaneResult(result, dtype);
  });

  it('can load the probe model from a file in workDir', async () => {
    const result = await probeMatMul({ dtype: 'int8', intraOpThreads: 1, ...TINY, minSeconds: 0, workDir });
    expectSaneResult(result, 'int8');
    expect(existsSync(join(workDir, 'matmul-probe-int8-8x16x16.onnx'))).toBe(true);
  });

  it('rejects bad shapes and thread counts', async () => {
    await expect(probeMatMul({ dtype: 'fp32', intraOpThreads: 1, m: 0 })).rejects.toThrow(/m must be a positive integer/);
    await expect(probeMatMul({ dtype: 'fp32', intraOpThreads: 0, ...TINY })).rejects.toThrow(/intraOpThreads/);
  });

  it('probeMatMulShapes keeps the best GFLOP/s per dtype', async () => {
    const shapes = [TINY, { m: 4, k: 16, n: 8 }];
    const seen: MatMulProbeResult[] = [];
    const { results, best } = await probeMatMulShapes({ intraOpThreads: 1, shapes, minSeconds: 0.02, onResult: (r) => seen.push(r) });
    expect(results).toHaveLength(4);
    expect(seen).toEqual(results);
    for (const dtype of ['fp32', 'int8'] as const) {
      const ofDtype = results.filter((r) => r.dtype === dtype);
      expect(ofDtype.map((r) => [r.m, r.k, r.n])).toEqual(shapes.map((s) => [s.m, s.k, s.n]));
      expect(best[dtype]?.gflops).toBe(Math.max(...ofDtype.map((r) => r.gflops)));
    }
  });
});

describe('the probe graph computes A·B', () => {
  const m = 5;
  const k = 37;
  const n = 11;
  const a = seededUniform(7, m * k);
  const b = seededUniform(8, k * n).map((v) => v * 0.3);
  const reference = jsMatMul(a, b, m, k, n);

  it('has the op pattern it claims (MatMul, or DynamicQuantizeLinear → MatMulInteger → Cast → Mul)', () => {
    const graph = (dtype: ProbeDtype, output: ProbeOutput = 'full') =>
      decodeModel(encodeModel(buildMatMulProbeModel({ dtype, m, k, n, output }).model)).graph;
    expect(graph('fp32').node.map((x) => x.op_type)).toEqual(['MatMul']);
    const int8 = graph('int8');
    expect(int8.node.map((x) => x.op_type)).toEqual(['DynamicQuantizeLinear', 'MatMulInteger', 'Cast', 'Mul', 'Mul']);
    expect(int8.initializer.find((t) => t.name === 'B_quantized')).toMatchObject({ data_type: 3, dims: [k, n] });
    expect(graph('fp32').initializer.find((t) => t.name === 'B')).toMatchObject({ data_type: 1, dims: [k, n] });
    // The timed variant only adds a Slice of the finished product.
    expect(graph('int8', 'first-row').node.map((x) => x.op_type)).toEqual(['DynamicQuantizeLinear', 'MatMulInteger', 'Cast', 'Mul', 'Mul', 'Slice']);
    expect(graph('fp32', 'first-row').node.map((x) => x.op_type)).toEqual(['MatMul', 'Slice']);
  });

  it('fp32 equals a JS matmul', async () => {
    const y = await runMatMulProbeOnce({ dtype: 'fp32', m, k, n, a, b });
    expect(y).toHaveLength(m * n);
    const firstRow = await runMatMulProbeOnce({ dtype: 'fp32', m, k, n, a, b, output: 'first-row' });
    expect(Array.from(firstRow)).toEqual(Array.from(y.subarray(0, n)));
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let magnitude = 0;
        for (let p = 0; p < k; p++) magnitude += Math.abs(a[i * k + p] * b[p * n + j]);
        expect(Math.abs(y[i * n + j] - reference[i * n + j])).toBeLessThanOrEqual(1e-6 * magnitude + 1e-7);
      }
    }
  });

  it('int8 equals a JS matmul within the quantization error', async () => {
    const y = await runMatMulProbeOnce({ dtype: 'int8', m, k, n, a, b });
    const firstRow = await runMatMulProbeOnce({ dtype: 'int8', m, k, n, a, b, output: 'first-row' });
    expect(Array.from(firstRow)).toEqual(Array.from(y.subarray(0, n)));
    // A: uint8 asymmetric over [min(0, min A), max(0, max A)], step sa (error ≤ sa with the
    // rounded zero point's clipping); B: symmetric int8, step sb (error ≤ sb / 2).
    let minA = 0;
    let maxA = 0;
    for (const v of a) [minA, maxA] = [Math.min(minA, v), Math.max(maxA, v)];
    const sa = (maxA - minA) / 255;
    const sb = Math.max(...Array.from(b, Math.abs)) / 127;
    let worst = 0;
    let largest = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let bound = 0;
        for (let p = 0; p < k; p++) bound += Math.abs(a[i * k + p]) * (sb / 2) + Math.abs(b[p * n + j]) * sa + (sa * sb) / 2;
        const error = Math.abs(y[i * n + j] - reference[i * n + j]);
        expect(error).toBeLessThanOrEqual(bound + 1e-6);
        worst = Math.max(worst, error);
        largest = Math.max(largest, Math.abs(reference[i * n + j]));
      }
    }
    // ... and the bound is not vacuous: the result tracks the float product closely.
    expect(worst).toBeLessThan(0.02 * largest);
  });

  it('checks input sizes', async () => {
    await expect(runMatMulProbeOnce({ dtype: 'fp32', m, k, n, a: a.subarray(1), b })).rejects.toThrow(/A has/);
    expect(() => buildMatMulProbeModel({ dtype: 'fp32', m, k, n, weights: b.subarray(1) })).toThrow(/weights have/);
  });
});
