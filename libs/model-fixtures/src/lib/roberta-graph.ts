import { GraphBuilder } from './graph-builder';
import { DataType, ModelSpec, attr } from './onnx-proto';
import { quantizedMatMul } from './quantize';
import { TensorData, constantFloatData, normalData } from './tensor-data';

/** Architecture hyper-parameters, named after the HF config fields they become. */
export interface RobertaDims {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  numLabels: number;
  padTokenId: number;
  layerNormEps: number;
}

export interface RobertaWeightInit {
  seed: number;
  /** std of every weight matrix and embedding, like HF `initializer_range` (0.02). */
  initializerRange: number;
  /** std of the classification head; larger so random models give visibly different predictions. */
  classifierStd: number;
}

export interface RobertaGraphOptions {
  dims: RobertaDims;
  init: RobertaWeightInit;
  /** Emit int8 weight MatMuls (the `model_quantized.onnx` variant). */
  quantized: boolean;
  producerVersion: string;
}

export interface RobertaModel {
  model: ModelSpec;
  /** Trainable parameters (the same for fp32 and q8). */
  parameterCount: number;
}

export const ONNX_OPSET = 14;
export const ONNX_IR_VERSION = 8;
const BATCH = 'batch_size';
const SEQUENCE = 'sequence_length';
// torch.finfo(float32).min, the value HF adds to masked attention scores
const FLOAT32_MIN = -3.4028234663852886e38;

class RobertaGraph {
  readonly b = new GraphBuilder('main_graph');

  constructor(private readonly options: RobertaGraphOptions) {}

  private get dims(): RobertaDims {
    return this.options.dims;
  }

  private normal(key: string, shape: readonly number[], std: number, zeroRow?: number): TensorData {
    const count = shape.reduce((a, c) => a * c, 1);
    return normalData({
      seed: this.options.init.seed,
      key,
      count,
      std,
      zeroRows: zeroRow === undefined ? [] : [zeroRow],
      rowWidth: shape[shape.length - 1],
    });
  }

  private param(name: string, shape: readonly number[], data: TensorData): string {
    return this.b.initializer(name, DataType.FLOAT, shape, data, true);
  }

  /** Dense layer x·W + b (W stored [in, out]); int8 MatMul in the quantized variant. */
  linear(x: string, prefix: string, inDim: number, outDim: number, scope: string, extra: { std?: number; output?: string } = {}): string {
    const weightName = `${prefix}.weight`;
    const std = extra.std ?? this.options.init.initializerRange;
    const weights = this.normal(weightName, [inDim, outDim], std);
    const product = this.options.quantized
      ? quantizedMatMul(this.b, x, { weightName, dims: [inDim, outDim], weights, scope })
      : this.b.op('MatMul', [x, this.param(weightName, [inDim, outDim], weights)], { scope });
    const bias = this.param(`${prefix}.bias`, [outDim], constantFloatData(outDim, 0));
    return this.b.op('Add', [product, bias], { scope, outputs: extra.output ? [extra.output] : undefined });
  }

  /** LayerNorm over the last axis, spelled out because LayerNormalization needs opset 17. */
  layerNorm(x: string, prefix: string, scope: string): string {
    const { b } = this;
    const h = this.dims.hiddenSize;
    const axes = { axes: attr.ints([-1]) };
    const mean = b.op('ReduceMean', [x], { attributes: axes, scope });
    const centered = b.op('Sub', [x, mean], { scope });
    const variance = b.op('ReduceMean', [b.op('Mul', [centered, centered], { scope })], { attributes: axes, scope });
    const std = b.op('Sqrt', [b.op('Add', [variance, b.float(this.dims.layerNormEps)], { scope })], { scope });
    const normalized = b.op('Div', [centered, std], { scope });
    const gamma = this.param(`${prefix}.weight`, [h], constantFloatData(h, 1));
    const beta = this.param(`${prefix}.bias`, [h], constantFloatData(h, 0));
    return b.op('Add', [b.op('Mul', [normalized, gamma], { scope }), beta], { scope });
  }

  /** Word + position + token_type(0) embeddings, then LayerNorm. */
  embeddings(inputIds: string): string {
    const { b } = this;
    const { hiddenSize: h, vocabSize, maxPositionEmbeddings, padTokenId } = this.dims;
    const scope = 'embeddings';
    const std = this.options.init.initializerRange;
    const word = this.param('roberta.embeddings.word_embeddings.weight', [vocabSize, h],
      this.normal('roberta.embeddings.word_embeddings.weight', [vocabSize, h], std, padTokenId));
    const position = this.param('roberta.embeddings.position_embeddings.weight', [maxPositionEmbeddings, h],
      this.normal('roberta.embeddings.position_embeddings.weight', [maxPositionEmbeddings, h], std, padTokenId));
    const tokenType = this.param('roberta.embeddings.token_type_embeddings.weight', [1, h],
      this.normal('roberta.embeddings.token_type_embeddings.weight', [1, h], std));

    // HF create_position_ids_from_input_ids: cumsum(ids != pad) * (ids != pad) + pad
    const pad = b.int64([padTokenId], []);
    const notPad = b.op('Not', [b.op('Equal', [inputIds, pad], { scope })], { scope });
    const mask = b.op('Cast', [notPad], { attributes: { to: attr.int(DataType.INT64) }, scope });
    const cumulative = b.op('CumSum', [mask, b.int64([1], [])], { scope });
    const positionIds = b.op('Add', [b.op('Mul', [cumulative, mask], { scope }), pad], { scope });

    const wordEmbeds = b.op('Gather', [word, inputIds], { scope });
    const tokenTypeEmbeds = b.op('Gather', [tokenType, b.int64([0], [])], { scope });
    const positionEmbeds = b.op('Gather', [position, positionIds], { scope });
    const summed = b.op('Add', [b.op('Add', [wordEmbeds, tokenTypeEmbeds], { scope }), positionEmbeds], { scope });
    return this.layerNorm(summed, 'roberta.embeddings.LayerNorm', scope);
  }

  /** [B, 1, 1, S] additive mask: 0 for real tokens, float32 min for padding keys. */
  extendedMask(attentionMask: string): string {
    const { b } = this;
    const scope = 'mask';
    const maskFloat = b.op('Cast', [attentionMask], { attributes: { to: attr.int(DataType.FLOAT) }, scope });
    const inverted = b.op('Sub', [b.float(1), maskFloat], { scope });
    const additive = b.op('Mul', [inverted, b.float(FLOAT32_MIN)], { scope });
    return b.op('Unsqueeze', [additive, b.int64([1, 2])], { scope });
  }

  selfAttention(x: string, mask: string, prefix: string, scope: string): string {
    const { b } = this;
    const { hiddenSize: h, numAttentionHeads: heads } = this.dims;
    const headSize = h / heads;
    const splitShape = b.int64([0, 0, heads, headSize]);
    const heads4d = (t: string, perm: number[]) =>
      b.op('Transpose', [b.op('Reshape', [t, splitShape], { scope })], { attributes: { perm: attr.ints(perm) }, scope });

    const query = heads4d(this.linear(x, `${prefix}.self.query`, h, h, scope), [0, 2, 1, 3]); // [B, nh, S, hd]
    const keyT = heads4d(this.linear(x, `${prefix}.self.key`, h, h, scope), [0, 2, 3, 1]); // [B, nh, hd, S]
    const value = heads4d(this.linear(x, `${prefix}.self.value`, h, h, scope), [0, 2, 1, 3]);

    const scores = b.op('Div', [b.op('MatMul', [query, keyT], { scope }), b.float(Math.sqrt(headSize))], { scope });
    const probs = b.op('Softmax', [b.op('Add', [scores, mask], { scope })], { attributes: { axis: attr.int(-1) }, scope });
    const context = b.op('MatMul', [probs, value], { scope });
    const merged = b.op('Reshape', [
      b.op('Transpose', [context], { attributes: { perm: attr.ints([0, 2, 1, 3]) }, scope }),
      b.int64([0, 0, h]),
    ], { scope });

    const projected = this.linear(merged, `${prefix}.output.dense`, h, h, scope);
    return this.layerNorm(b.op('Add', [projected, x], { scope }), `${prefix}.output.LayerNorm`, scope);
  }

  /** Intermediate dense + exact GELU (Erf) + output dense, residual, LayerNorm. */
  feedForward(x: string, prefix: string, scope: string): string {
    const { b } = this;
    const { hiddenSize: h, intermediateSize } = this.dims;
    const up = this.linear(x, `${prefix}.intermediate.dense`, h, intermediateSize, scope);
    const erf = b.op('Erf', [b.op('Div', [up, b.float(Math.SQRT2)], { scope })], { scope });
    const gelu = b.op('Mul', [b.op('Mul', [up, b.op('Add', [erf, b.float(1)], { scope })], { scope }), b.float(0.5)], { scope });
    const down = this.linear(gelu, `${prefix}.output.dense`, intermediateSize, h, scope);
    return this.layerNorm(b.op('Add', [down, x], { scope }), `${prefix}.output.LayerNorm`, scope);
  }

  /** HF RobertaClassificationHead: <s> token → dense → tanh → out_proj. */
  classifier(x: string): string {
    const { b } = this;
    const { hiddenSize: h, numLabels } = this.dims;
    const scope = 'classifier';
    const std = this.options.init.classifierStd;
    const first = b.op('Gather', [x, b.int64([0], [])], { attributes: { axis: attr.int(1) }, scope });
    const dense = b.op('Tanh', [this.linear(first, 'classifier.dense', h, h, scope, { std })], { scope });
    return this.linear(dense, 'classifier.out_proj', h, numLabels, scope, { std, output: 'logits' });
  }

  build(): RobertaModel {
    const { b } = this;
    const { dims } = this.options;
    if (dims.hiddenSize % dims.numAttentionHeads !== 0) {
      throw new Error(`hidden size ${dims.hiddenSize} is not a multiple of ${dims.numAttentionHeads} heads`);
    }
    const inputIds = b.input('input_ids', DataType.INT64, [BATCH, SEQUENCE]);
    const attentionMask = b.input('attention_mask', DataType.INT64, [BATCH, SEQUENCE]);
    let hidden = this.embeddings(inputIds);
    const mask = this.extendedMask(attentionMask);
    for (let layer = 0; layer < dims.numHiddenLayers; layer++) {
      const prefix = `roberta.encoder.layer.${layer}`;
      const scope = `encoder/layer.${layer}`;
      hidden = this.selfAttention(hidden, mask, `${prefix}.attention`, `${scope}/attention`);
      hidden = this.feedForward(hidden, prefix, `${scope}/ffn`);
    }
    this.classifier(hidden);
    b.output('logits', DataType.FLOAT, [BATCH, dims.numLabels]);

    const opsets = [{ domain: '', version: ONNX_OPSET }];
    return {
      parameterCount: b.parameterCount,
      model: {
        irVersion: ONNX_IR_VERSION,
        opsets,
        producerName: 'sentiment-ops model-fixtures',
        producerVersion: this.options.producerVersion,
        docString: `RobertaForSequenceClassification fixture (${this.options.quantized ? 'q8' : 'fp32'}), random weights`,
        graph: b.build(),
      },
    };
  }
}

/** RobertaForSequenceClassification as an ONNX graph with seeded random weights. */
export function buildRobertaModel(options: RobertaGraphOptions): RobertaModel {
  return new RobertaGraph(options).build();
}
