import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { GraphBuilder } from './graph-builder';
import { DataType, ModelSpec, attr, decodeModel, encodeModel, writeModelFile } from './onnx-proto';
import { arrayData, floatData, normalData } from './tensor-data';
import { createSession, removeTempDirs, tempDir } from './testing/ort-helpers';

/** y = softmax(x · W + b) with W 2×3 and a shared scalar. */
function smallModel(): ModelSpec {
  const b = new GraphBuilder('small');
  const x = b.input('x', DataType.FLOAT, ['batch', 2]);
  const w = b.initializer('w', DataType.FLOAT, [2, 3], floatData([1, 2, 3, 4, 5, 6]), true);
  const bias = b.initializer('bias', DataType.FLOAT, [3], floatData([0.5, 0, -0.5]), true);
  const scaled = b.op('Mul', [b.op('Add', [b.op('MatMul', [x, w]), bias]), b.float(0.5)]);
  b.op('Softmax', [scaled], { outputs: ['y'], attributes: { axis: attr.int(-1) } });
  b.output('y', DataType.FLOAT, ['batch', 3]);
  expect(b.parameterCount).toBe(9);
  return { irVersion: 8, opsets: [{ domain: '', version: 14 }], producerName: 'test', producerVersion: '1', graph: b.build() };
}

afterAll(removeTempDirs);
describe('ONNX protobuf writer', () => {
  it('writes a model ONNX Runtime runs with the expected numbers', async () => {
    const path = join(tempDir('onnx-proto'), 'small.onnx');
    writeModelFile(path, smallModel());
    const session = await createSession(path);
    const { y } = await session.run({ x: new Tensor('float32', Float32Array.from([1, 1, 0, 0]), [2, 2]) });
    const logits = [[5.5, 7, 8.5].map((v) => v * 0.5), [0.25, 0, -0.25]];
    const expected = logits.flatMap((row) => {
      const e = row.map(Math.exp);
      const s = e.reduce((p, q) => p + q);
      return e.map((v) => v / s);
    });
    Array.from(y.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    await session.release();
  });

  it('streams exactly the bytes encodeModel produces, and they decode back to the spec', () => {
    const b = new GraphBuilder('g');
    const x = b.input('x', DataType.FLOAT, ['n', 4]);
    // > 1 chunk of raw data to exercise the framed streaming path
    const big = normalData({ seed: 3, key: 'big', count: (1 << 20) + 17, std: 1 });
    b.initializer('big', DataType.FLOAT, [(1 << 20) + 17], big);
    b.initializer('q', DataType.INT8, [2], arrayData(Int8Array.of(-5, 7)));
    b.op('Identity', [x], { outputs: ['y'] });
    b.output('y', DataType.FLOAT, ['n', 4]);
    const spec: ModelSpec = { irVersion: 8, opsets: [{ domain: '', version: 14 }], producerName: 'p', producerVersion: 'v', graph: b.build() };

    const path = join(tempDir('onnx-stream'), 'm.onnx');
    const size = writeModelFile(path, spec);
    const file = readFileSync(path);
    expect(size).toBe(file.byteLength);
    expect(file.equals(Buffer.from(encodeModel(spec)))).toBe(true);

    const decoded = decodeModel(file);
    expect(decoded.producer_name).toBe('p');
    const [bigT, qT] = decoded.graph.initializer;
    expect(bigT).toMatchObject({ name: 'big', data_type: DataType.FLOAT, dims: [(1 << 20) + 17] });
    expect(Buffer.from(bigT.raw_data ?? []).equals(Buffer.concat([...big.chunks()]))).toBe(true);
    expect(qT).toMatchObject({ name: 'q', data_type: DataType.INT8, dims: [2] });
    expect(Array.from(new Int8Array(Uint8Array.from(qT.raw_data ?? []).buffer))).toEqual([-5, 7]);
  });

  it('rejects an initializer whose data does not match its dims', () => {
    const b = new GraphBuilder('bad');
    b.input('x', DataType.FLOAT, [1]);
    b.initializer('w', DataType.FLOAT, [2, 2], floatData([1, 2, 3]));
    b.output('x', DataType.FLOAT, [1]);
    const spec: ModelSpec = { irVersion: 8, opsets: [], producerName: '', producerVersion: '', graph: b.build() };
    expect(() => encodeModel(spec)).toThrow(/dims \[2,2\] need 16 bytes, data has 12/);
  });

  it('gives nodes and values unique names and shares constants', () => {
    const b = new GraphBuilder('names');
    expect(b.int64([0, 0, 4])).toBe(b.int64([0, 0, 4]));
    expect(b.int64([1], [])).not.toBe(b.int64([1]));
    expect(b.float(0.5)).toBe(b.float(0.5));
    const [first] = b.node('Relu', ['a']);
    const [second] = b.node('Relu', ['a']);
    expect(first).not.toBe(second);
    expect(() => b.input('y', DataType.FLOAT, [1]) && b.input('y', DataType.FLOAT, [1])).toThrow(/duplicate/);
  });
});
