import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { DataType, ModelSpec, encodeModel } from '@sentiment-ops/model-fixtures';
import { buildTinyModelInto, findRepoRoot } from '@sentiment-ops/testing';
import { ModelFlops, TransformerConfig, analyticRobertaFlops, countModelFlops, countModelFlopsFromBytes } from './model-flops';

const mega = (flops: number) => (flops < 1e6 ? `${flops}` : `${(flops / 1e6).toFixed(3)} M`);

function comparison(label: string, counted: ModelFlops, config: TransformerConfig): string {
  const analytic = analyticRobertaFlops(config);
  return [
    `${label}: weight FLOPs/token counted ${mega(counted.weightFlopsPerToken)} vs analytic ${mega(analytic.weightFlopsPerToken)}`,
    `(encoder ${mega(analytic.encoderFlopsPerToken)} + head ${mega(analytic.headFlops)}),`,
    `attention matmuls ${counted.attentionMatMuls} vs ${analytic.attentionMatMuls}, hidden ${counted.hiddenSize};`,
    `32-token sequence ${mega(counted.flopsForSequence(32))} FLOP`,
  ].join(' ');
}

describe('countModelFlops on the tiny fixture', () => {
  let dir: string;
  let config: TransformerConfig;
  let fp32: ModelFlops;
  let q8: ModelFlops;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-model-flops-'));
    const info = await buildTinyModelInto(join(dir, 'tiny'));
    config = info.config as unknown as TransformerConfig;
    fp32 = countModelFlops(join(info.dir, 'onnx/model.onnx'));
    q8 = countModelFlops(join(info.dir, 'onnx/model_quantized.onnx'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts the same weight FLOPs for fp32 and q8, equal to the analytic formula', () => {
    const analytic = analyticRobertaFlops(config);
    console.log(`${comparison('tiny fp32', fp32, config)}\n${comparison('tiny q8', q8, config)}`);
    // 2·(2·(4·32² + 2·32·64) + 32² + 32·3)
    expect(analytic.weightFlopsPerToken).toBe(35008);
    expect(fp32.weightFlopsPerToken).toBe(analytic.weightFlopsPerToken);
    expect(q8.weightFlopsPerToken).toBe(analytic.weightFlopsPerToken);
    expect(fp32.perSequenceWeightFlops).toBe(analytic.headFlops);
    expect(q8.perSequenceWeightFlops).toBe(analytic.headFlops);
  });

  it('finds the weight matmuls with their [k, n]: MatMul in fp32, MatMulInteger in q8', () => {
    const shapes = (f: ModelFlops) => f.weightMatMuls.map((w) => [w.k, w.n, w.perSequence]);
    const h = config.hidden_size;
    const i = config.intermediate_size;
    const layer = [[h, h, false], [h, h, false], [h, h, false], [h, h, false], [h, i, false], [i, h, false]];
    const expected = [...Array.from({ length: config.num_hidden_layers }, () => layer).flat(), [h, h, true], [h, 3, true]];
    expect(shapes(fp32)).toEqual(expected);
    expect(shapes(q8)).toEqual(expected);
    expect(new Set(fp32.weightMatMuls.map((w) => w.opType))).toEqual(new Set(['MatMul']));
    expect(new Set(q8.weightMatMuls.map((w) => w.opType))).toEqual(new Set(['MatMulInteger']));
  });

  it('counts 2 attention matmuls per layer spanning the hidden size', () => {
    for (const f of [fp32, q8]) {
      expect(f.attentionMatMuls).toBe(2 * config.num_hidden_layers);
      expect(f.hiddenSize).toBe(config.hidden_size);
    }
  });

  it('flopsForSequence: linear weight term, quadratic attention term, head once per sequence', () => {
    const f = fp32;
    const attentionPerTokenSquared = 2 * f.attentionMatMuls * f.hiddenSize;
    const perToken = f.weightFlopsPerToken - f.perSequenceWeightFlops;
    expect(f.flopsForSequence(0)).toBe(0);
    expect(f.flopsForSequence(1)).toBe(f.weightFlopsPerToken + attentionPerTokenSquared);
    expect(f.flopsForSequence(32)).toBe(32 * perToken + f.perSequenceWeightFlops + 32 * 32 * attentionPerTokenSquared);
    // Constant second difference = 2 · (2·attention·hidden): quadratic in tokens.
    const second = (t: number) => f.flopsForSequence(t + 1) - 2 * f.flopsForSequence(t) + f.flopsForSequence(t - 1);
    for (const t of [2, 10, 100]) expect(second(t)).toBe(2 * attentionPerTokenSquared);
    expect(q8.flopsForSequence(64)).toBe(f.flopsForSequence(64));
    expect(() => f.flopsForSequence(-1)).toThrow(/tokens/);
  });

  it('countModelFlopsFromBytes agrees with countModelFlops', () => {
    const fromBytes = countModelFlopsFromBytes(readFileSync(join(dir, 'tiny/onnx/model_quantized.onnx')));
    expect(fromBytes.weightFlopsPerToken).toBe(q8.weightFlopsPerToken);
    expect(fromBytes.attentionMatMuls).toBe(q8.attentionMatMuls);
  });

  it('also reads ORT-optimized graphs (FusedMatMul, DynamicQuantizeMatMul, MatMulIntegerToFloat)', async () => {
    const optimized = join(dir, 'q8-optimized.onnx');
    const session = await InferenceSession.create(join(dir, 'tiny/onnx/model_quantized.onnx'), {
      graphOptimizationLevel: 'all',
      optimizedModelFilePath: optimized,
      logSeverityLevel: 3,
    });
    await session.release();
    const f = countModelFlops(optimized);
    expect(f.weightFlopsPerToken).toBe(q8.weightFlopsPerToken);
    expect(f.perSequenceWeightFlops).toBe(q8.perSequenceWeightFlops);
    expect(f.attentionMatMuls).toBe(q8.attentionMatMuls);
    expect(f.hiddenSize).toBe(q8.hiddenSize);
  });
});

describe('countModelFlopsFromBytes on a hand-written graph', () => {
  type Initializer = ModelSpec['graph']['initializers'][number];
  const init = (name: string, dataType: DataType, dims: number[]): Initializer => {
    const bytes = new Uint8Array(dims.reduce((a, b) => a * b, 1) * (dataType === DataType.FLOAT ? 4 : 1));
    return { name, dataType, dims, data: { byteLength: bytes.byteLength, chunks: () => [bytes] } };
  };

  it('follows Transpose / DequantizeLinear to the weight and honours Gemm transB', () => {
    const model: ModelSpec = {
      irVersion: 8,
      opsets: [{ domain: '', version: 14 }],
      producerName: 'test',
      producerVersion: '0',
      graph: {
        name: 'g',
        inputs: [{ name: 'X', elemType: DataType.FLOAT, dims: ['tokens', 8] }],
        outputs: [{ name: 'Z', elemType: DataType.FLOAT, dims: ['tokens', 'tokens'] }],
        initializers: [
          init('W1', DataType.FLOAT, [16, 8]),
          init('W2', DataType.FLOAT, [4, 16]),
          init('W3q', DataType.INT8, [4, 2]),
          init('W3s', DataType.FLOAT, []),
        ],
        nodes: [
          { opType: 'Transpose', name: 't', inputs: ['W1'], outputs: ['W1t'], attributes: { perm: { kind: 'ints', value: [1, 0] } } },
          { opType: 'MatMul', name: 'm1', inputs: ['X', 'W1t'], outputs: ['Y1'] },
          { opType: 'Gemm', name: 'g2', inputs: ['Y1', 'W2'], outputs: ['Y2'], attributes: { transB: { kind: 'int', value: 1 } } },
          { opType: 'DequantizeLinear', name: 'dq', inputs: ['W3q', 'W3s'], outputs: ['W3'] },
          { opType: 'MatMul', name: 'm3', inputs: ['Y2', 'W3'], outputs: ['Y3'] },
          { opType: 'Transpose', name: 'ty', inputs: ['Y3'], outputs: ['Y3t'] },
          { opType: 'MatMul', name: 'self', inputs: ['Y3', 'Y3t'], outputs: ['Z'] },
        ],
      },
    };
    const f = countModelFlopsFromBytes(encodeModel(model));
    expect(f.weightMatMuls.map((w) => [w.node, w.opType, w.k, w.n])).toEqual([
      ['m1', 'MatMul', 8, 16],
      ['g2', 'Gemm', 16, 4],
      ['m3', 'MatMul', 4, 2],
    ]);
    expect(f.weightFlopsPerToken).toBe(2 * (8 * 16 + 16 * 4 + 4 * 2));
    expect(f.perSequenceWeightFlops).toBe(0);
    expect(f.attentionMatMuls).toBe(1);
  });
});

const BASE_DIR = join(findRepoRoot(), 'models/fixtures/base');
const haveBase = existsSync(join(BASE_DIR, 'onnx/model_quantized.onnx')) && existsSync(join(BASE_DIR, 'config.json'));

(haveBase ? describe : describe.skip)('countModelFlops on the roberta-base fixture (models/fixtures/base)', () => {
  it('matches the analytic count from config.json (~171 MFLOP per token, 24 attention matmuls)', () => {
    const config = JSON.parse(readFileSync(join(BASE_DIR, 'config.json'), 'utf8')) as TransformerConfig;
    const analytic = analyticRobertaFlops(config);
    // The q8 file (231 MiB) is enough here; the fp32 one gives the same count (see the tiny-fixture test).
    const counted = countModelFlops(join(BASE_DIR, 'onnx/model_quantized.onnx'));
    console.log(comparison('roberta-base q8', counted, config));
    expect(counted.weightFlopsPerToken).toBe(analytic.weightFlopsPerToken);
    expect(counted.attentionMatMuls).toBe(analytic.attentionMatMuls);
    expect(counted.hiddenSize).toBe(config.hidden_size);
  });
});
