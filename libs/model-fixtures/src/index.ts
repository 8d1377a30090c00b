export * from './lib/fixture-model';
export * from './lib/fixture-config';
export * from './lib/cli-args';
export {
  BYTE_TO_UNICODE,
  SPECIAL_TOKENS,
  byteLevelPieces,
  trainByteLevelBpe,
  tokenizerJson,
  tokenizerConfigJson,
} from './lib/bpe-tokenizer';
export type { BpeTrainingOptions, TrainedBpe } from './lib/bpe-tokenizer';
export { TINY_CORPUS } from './lib/corpus';
export { buildRobertaModel, ONNX_OPSET, ONNX_IR_VERSION } from './lib/roberta-graph';
export type { RobertaDims, RobertaGraphOptions, RobertaModel, RobertaWeightInit } from './lib/roberta-graph';
export { decodeModel, encodeModel, writeModelFile, DataType } from './lib/onnx-proto';
export type { DecodedModel, DecodedNode, DecodedTensor, ModelSpec } from './lib/onnx-proto';
export { quantizeSymmetricInt8 } from './lib/quantize';
