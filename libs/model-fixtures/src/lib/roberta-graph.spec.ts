import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { buildFixtureModel, FixtureModelInfo } from './fixture-model';
import { decodeModel } from './onnx-proto';
import { Tensor } from 'onnxruntime-node';
import { createSession, maxAbsDiff, padBatch, readFloatInitializers, runLogits, softmax, removeTempDirs, tempDir } from './testing/ort-helpers';
import { ReferenceConfig, referenceLogits } from './testing/reference-forward';

// <s> … </s> sequences of ordinary token ids (no <pad> inside)
const ROWS = [
  [0, 300, 301, 415, 500, 612, 2],
  [0, 290, 2],
  [0, 710, 44, 95, 260, 261, 262, 263, 264, 265, 266, 2],
  [0, 5, 2],
];

afterAll(removeTempDirs);
describe('RoBERTa fp32 graph (tiny fixture)', () => {
  let info: FixtureModelInfo;
  let session: InferenceSession;

  beforeAll(async () => {
    info = await buildFixtureModel({ size: 'tiny', outDir: tempDir('roberta-graph'), dtypes: ['fp32'] });
    session = await createSession(join(info.dir, 'onnx/model.onnx'));
  });
  afterAll(() => session?.release());

  it('declares input_ids/attention_mask int64 [batch_size, sequence_length] and logits float [batch_size, 3]', () => {
    const model = decodeModel(readFileSync(join(info.dir, 'onnx/model.onnx')));
    expect(model.ir_version).toBe(8);
    expect(model.opset_import.map((o) => [o.domain ?? '', o.version])).toEqual([['', 14]]);
    const shape = (v: unknown) => {
      const t = (v as { name: string; type: { tensor_type: { elem_type: number; shape: { dim: object[] } } } });
      return { name: t.name, elem: t.type.tensor_type.elem_type, dims: t.type.tensor_type.shape.dim };
    };
    expect(model.graph.input.map(shape)).toEqual([
      { name: 'input_ids', elem: 7, dims: [{ dim_param: 'batch_size' }, { dim_param: 'sequence_length' }] },
      { name: 'attention_mask', elem: 7, dims: [{ dim_param: 'batch_size' }, { dim_param: 'sequence_length' }] },
    ]);
    expect(model.graph.output.map(shape)).toEqual([{ name: 'logits', elem: 1, dims: [{ dim_param: 'batch_size' }, { dim_value: 3 }] }]);
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask']);
    expect(session.outputNames).toEqual(['logits']);
    // exact GELU, spelled-out LayerNorm, in-graph position ids
    const ops = new Set(model.graph.node.map((n) => n.op_type));
    for (const op of ['Erf', 'CumSum', 'Softmax', 'Tanh', 'ReduceMean', 'Gather']) expect(ops).toContain(op);
  });

  it('returns logits [B, 3]', async () => {
    const { logits } = await session.run(padBatch(ROWS));
    expect(logits.dims).toEqual([4, 3]);
    expect(logits.type).toBe('float32');
  });

  it('matches an independent float64 implementation of HF RobertaForSequenceClassification', async () => {
    const weights = readFloatInitializers(join(info.dir, 'onnx/model.onnx'));
    const config = info.config as unknown as ReferenceConfig;
    for (const row of ROWS) {
      const [ort] = await runLogits(session, [row]);
      const expected = referenceLogits(weights, config, row);
      expect(maxAbsDiff([ort], [expected])).toBeLessThan(1e-4);
    }
  });

  it('gives each right-padded row the same logits as running it alone (within 1e-5)', async () => {
    const batched = await runLogits(session, ROWS);
    const alone = await Promise.all(ROWS.map(async (row) => (await runLogits(session, [row]))[0]));
    expect(maxAbsDiff(batched, alone)).toBeLessThan(1e-5);
  });

  it('computes position ids from the mask: extra padding does not change the logits', async () => {
    const row = ROWS[0];
    const [unpadded] = await runLogits(session, [row]);
    for (const length of [row.length + 1, row.length + 5, 40]) {
      const [padded] = await runLogits(session, [row], length);
      expect(maxAbsDiff([padded], [unpadded])).toBeLessThan(1e-5);
    }
  });

  it('numbers positions from input_ids like HF create_position_ids_from_input_ids', async () => {
    const weights = readFloatInitializers(join(info.dir, 'onnx/model.onnx'));
    const config = info.config as unknown as ReferenceConfig;
    // Left and inner <pad>s: plain 0..S-1 positions would shift every later token. The second
    // mask attends to the <pad>s too, which exposes their own position (padding_idx, i.e. 1).
    const ids = [1, 1, 1, 0, 300, 301, 1, 415, 500, 2];
    const masks = [ids.map((id) => (id === 1 ? 0 : 1)), ids.map(() => 1)];
    for (const mask of masks) {
      const dims = [1, ids.length];
      const { logits } = await session.run({
        input_ids: new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), dims),
        attention_mask: new Tensor('int64', BigInt64Array.from(mask.map(BigInt)), dims),
      });
      const expected = referenceLogits(weights, config, ids, mask);
      expect(maxAbsDiff([Array.from(logits.data as Float32Array)], [expected])).toBeLessThan(1e-4);
    }
  });

  it('predicts visibly different distributions (and classes) for different inputs', async () => {
    const probs = (await runLogits(session, ROWS)).map(softmax);
    const spread = Math.max(...[0, 1, 2].map((k) => Math.max(...probs.map((p) => p[k])) - Math.min(...probs.map((p) => p[k]))));
    expect(spread).toBeGreaterThan(0.1);
    expect(new Set(probs.map((p) => p.indexOf(Math.max(...p)))).size).toBeGreaterThanOrEqual(2);
  });
});
