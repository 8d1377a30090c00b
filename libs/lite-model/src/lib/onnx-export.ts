import { DataType, encodeModel, type ModelSpec } from '@sentiment-ops/model-fixtures';
import type { LiteClassifier } from './lite-classifier';

type InitializerSpec = ModelSpec['graph']['initializers'][number];
type NodeSpec = ModelSpec['graph']['nodes'][number];

/** Opset 13: ReduceSum and Unsqueeze take `axes` as an input; onnxruntime-node 1.30 runs it. */
export const LITE_ONNX_OPSET = 13;
export const LITE_ONNX_IR_VERSION = 8;

/** Input and output names of the exported graph (the runtime's contract with the file). */
export const LITE_ONNX_IO = {
  indices: 'indices',
  values: 'values',
  logits: 'logits',
  probabilities: 'probabilities',
} as const;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  // ONNX raw_data is little-endian; typed-array views are host-endian.
  throw new Error('lite-model ONNX export requires a little-endian host');
}

const tensor = (name: string, dataType: DataType, dims: readonly number[], array: Float32Array | BigInt64Array): InitializerSpec => {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  return { name, dataType, dims, data: { byteLength: bytes.byteLength, chunks: () => [bytes] } };
};

const node = (opType: string, inputs: string[], outputs: string[], attributes?: NodeSpec['attributes']): NodeSpec => ({
  opType,
  name: `/${opType}_${outputs[0]}`,
  inputs,
  outputs,
  attributes,
});

/**
 * The classifier as an ONNX graph over featurizer output:
 * indices int64 [batch, k], values float [batch, k] (padded with index 0 / value 0)
 * → Gather rows of weight [buckets, classes] → × values → ReduceSum over k → + bias
 * → `logits` [batch, classes] and `probabilities` = Softmax(logits).
 * `k` is symbolic: any width up to the featurizer's maxFeatures works, padding adds nothing.
 */
export const buildLiteOnnxModel = (classifier: LiteClassifier, metadata: Readonly<Record<string, string>> = {}): ModelSpec => {
  const { buckets } = classifier.featurizer.settings;
  const classes = classifier.classes;
  const io = LITE_ONNX_IO;
  const nodes: NodeSpec[] = [
    node('Gather', ['weight', io.indices], ['gathered'], { axis: { kind: 'int', value: 0 } }),
    node('Unsqueeze', [io.values, 'axes_last'], ['values_3d']),
    node('Mul', ['gathered', 'values_3d'], ['weighted']),
    node('ReduceSum', ['weighted', 'axes_features'], ['summed'], { keepdims: { kind: 'int', value: 0 } }),
    node('Add', ['summed', 'bias'], [io.logits]),
    node('Softmax', [io.logits], [io.probabilities], { axis: { kind: 'int', value: -1 } }),
  ];
  return {
    irVersion: LITE_ONNX_IR_VERSION,
    opsets: [{ domain: '', version: LITE_ONNX_OPSET }],
    producerName: 'sentiment-ops/lite-model',
    producerVersion: '1',
    docString: 'sentiment-lite: softmax regression over hashed word and character n-grams',
    metadata: { labels: classifier.labels.join(','), ...metadata },
    graph: {
      name: 'sentiment_lite',
      nodes,
      inputs: [
        { name: io.indices, elemType: DataType.INT64, dims: ['batch', 'features'] },
        { name: io.values, elemType: DataType.FLOAT, dims: ['batch', 'features'] },
      ],
      outputs: [
        { name: io.logits, elemType: DataType.FLOAT, dims: ['batch', classes] },
        { name: io.probabilities, elemType: DataType.FLOAT, dims: ['batch', classes] },
      ],
      initializers: [
        tensor('weight', DataType.FLOAT, [buckets, classes], classifier.weights),
        tensor('bias', DataType.FLOAT, [classes], classifier.bias),
        tensor('axes_last', DataType.INT64, [1], BigInt64Array.from([2n])),
        tensor('axes_features', DataType.INT64, [1], BigInt64Array.from([1n])),
      ],
    },
  };
};

/** The serialized ModelProto. */
export const encodeLiteOnnxModel = (classifier: LiteClassifier, metadata?: Readonly<Record<string, string>>): Uint8Array =>
  encodeModel(buildLiteOnnxModel(classifier, metadata));
