import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { buildFixtureModel, FixtureModelInfo } from './fixture-model';
import { DataType, decodeModel } from './onnx-proto';
import { quantizeSymmetricInt8 } from './quantize';
import { createSession, maxAbsDiff, padBatch, runLogits, softmax, removeTempDirs, tempDir } from './testing/ort-helpers';

const ROWS = [
  [0, 300, 301, 415, 500, 612, 2],
  [0, 290, 2],
  [0, 710, 44, 95, 260, 261, 262, 263, 264, 265, 266, 2],
  [0, 5, 6, 7, 8, 9, 10, 11, 2],
  [0, 400, 401, 402, 2],
];

afterAll(removeTempDirs);
describe('quantizeSymmetricInt8', () => {
  it('maps max|w| to ±127 with zero point 0 and rounds half to even', () => {
    const q = quantizeSymmetricInt8(Float32Array.from([50, -127, 0.5, 1.5, 2.5, 127]));
    expect(q.scale).toBe(1);
    expect(q.zeroPoint).toBe(0);
    expect(Array.from(q.values)).toEqual([50, -127, 0, 2, 2, 127]);
  });

  it('keeps the reconstruction error within half a step', () => {
    const w = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i * 12.9898) * 0.07);
    const q = quantizeSymmetricInt8(w);
    const worst = Math.max(...Array.from(w, (v, i) => Math.abs(v - q.values[i] * q.scale)));
    expect(worst).toBeLessThanOrEqual(q.scale / 2 + 1e-9);
  });
});

describe('model_quantized.onnx (tiny fixture)', () => {
  let info: FixtureModelInfo;
  let fp32: InferenceSession;
  let q8: InferenceSession;

  beforeAll(async () => {
    info = await buildFixtureModel({ size: 'tiny', outDir: tempDir('quantize') });
    fp32 = await createSession(join(info.dir, 'onnx/model.onnx'));
    q8 = await createSession(join(info.dir, 'onnx/model_quantized.onnx'));
  });
  afterAll(async () => {
    await fp32?.release();
    await q8?.release();
  });

  it('is an int8 graph in the ORT dynamic-quantization pattern, not a copy of fp32', () => {
    const model = decodeModel(readFileSync(join(info.dir, 'onnx/model_quantized.onnx')));
    const nodes = model.graph.node;
    const count = (op: string) => nodes.filter((n) => n.op_type === op).length;
    // per layer: Q, K, V, attention output, FFN in, FFN out; plus classifier dense and out_proj
    const weightMatMuls = 6 * 2 + 2;
    expect(count('DynamicQuantizeLinear')).toBe(weightMatMuls);
    expect(count('MatMulInteger')).toBe(weightMatMuls);
    // the only float MatMuls left are the two activation×activation ones per layer (QKᵀ, PV)
    expect(count('MatMul')).toBe(2 * 2);

    const initializers = new Map(model.graph.initializer.map((t) => [t.name, t]));
    const producers = new Map(nodes.flatMap((n) => n.output.map((o) => [o, n] as const)));
    for (const node of nodes.filter((n) => n.op_type === 'MatMulInteger')) {
      const [xq, w, xzp, wzp] = node.input;
      expect(producers.get(xq)?.op_type).toBe('DynamicQuantizeLinear');
      expect(producers.get(xzp)?.op_type).toBe('DynamicQuantizeLinear');
      expect(initializers.get(w)?.data_type).toBe(DataType.INT8);
      expect(initializers.get(wzp)?.data_type).toBe(DataType.INT8);
      // MatMulInteger → Cast(float) → Mul(x_scale · W_scale)
      const cast = nodes.find((n) => n.input.includes(node.output[0]));
      expect(cast?.op_type).toBe('Cast');
      expect(nodes.find((n) => n.input.includes(cast?.output[0] ?? ''))?.op_type).toBe('Mul');
    }
    const int8Weights = model.graph.initializer.filter((t) => t.data_type === DataType.INT8 && t.dims.length === 2);
    expect(int8Weights).toHaveLength(weightMatMuls);
    expect(int8Weights.every((t) => t.raw_data?.byteLength === t.dims[0] * t.dims[1])).toBe(true);
  });

  it('keeps logits close to fp32 and the same argmax', async () => {
    const a = await runLogits(fp32, ROWS);
    const b = await runLogits(q8, ROWS);
    expect(maxAbsDiff(a, b)).toBeLessThan(0.1);
    expect(maxAbsDiff(a, b)).toBeGreaterThan(0); // really quantized
    const argmax = (rows: number[][]) => rows.map((r) => { const p = softmax(r); return p.indexOf(Math.max(...p)); });
    expect(argmax(b)).toEqual(argmax(a));
    const { logits } = await q8.run(padBatch(ROWS));
    expect(logits.dims).toEqual([ROWS.length, 3]);
  });

  it('is much smaller than fp32 when weight matrices dominate the model', async () => {
    // tiny's embeddings (kept fp32, like ORT's default) outweigh its matrices, so widen the layers
    const heavy = await buildFixtureModel({
      size: 'tiny',
      outDir: tempDir('quantize-heavy'),
      architecture: { hiddenSize: 128, intermediateSize: 512 },
    });
    const size = (f: string) => statSync(join(heavy.dir, f)).size;
    const ratio = size('onnx/model_quantized.onnx') / size('onnx/model.onnx');
    expect(ratio).toBeLessThan(0.55);
  });
});
