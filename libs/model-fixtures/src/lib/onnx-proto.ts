import { closeSync, openSync, writeSync } from 'node:fs';
import * as protobuf from 'protobufjs';
import type { TensorData } from './tensor-data';

/**
 * The subset of onnx.proto3 the fixtures need (field numbers as in onnx/onnx.proto3).
 * Written with protobufjs so no Python / onnx package is needed.
 */
const ONNX_PROTO = `
syntax = "proto3";
package onnx;
message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; FLOATS = 6; INTS = 7; }
  string name = 1; AttributeType type = 20; float f = 2; int64 i = 3; bytes s = 4; TensorProto t = 5;
  repeated float floats = 7; repeated int64 ints = 8;
}
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message NodeProto {
  repeated string input = 1; repeated string output = 2; string name = 3; string op_type = 4;
  string domain = 7; repeated AttributeProto attribute = 5;
}
message StringStringEntryProto { string key = 1; string value = 2; }
message ModelProto {
  int64 ir_version = 1; repeated OperatorSetIdProto opset_import = 8; string producer_name = 2;
  string producer_version = 3; string doc_string = 6; GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}
message GraphProto {
  repeated NodeProto node = 1; string name = 2; repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12;
}
message TensorProto {
  repeated int64 dims = 1; int32 data_type = 2; repeated float float_data = 4;
  repeated int32 int32_data = 5; repeated int64 int64_data = 7; string name = 8; bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
`;

/** TensorProto.DataType values used here. */
export enum DataType {
  FLOAT = 1,
  UINT8 = 2,
  INT8 = 3,
  INT32 = 6,
  INT64 = 7,
  BOOL = 9,
}

export const DATA_TYPE_BYTES: Record<DataType, number> = {
  [DataType.FLOAT]: 4,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.BOOL]: 1,
};

export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: readonly number[] };

export const attr = {
  int: (value: number): AttributeValue => ({ kind: 'int', value }),
  float: (value: number): AttributeValue => ({ kind: 'float', value }),
  ints: (value: readonly number[]): AttributeValue => ({ kind: 'ints', value }),
};

export interface NodeSpec {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  domain?: string;
  attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface InitializerSpec {
  name: string;
  dataType: DataType;
  dims: readonly number[];
  data: TensorData;
}

/** A dimension is a fixed size or a symbolic name such as "batch_size". */
export type Dim = number | string;

export interface ValueInfoSpec {
  name: string;
  elemType: DataType;
  dims: readonly Dim[];
}

export interface GraphSpec {
  name: string;
  nodes: readonly NodeSpec[];
  inputs: readonly ValueInfoSpec[];
  outputs: readonly ValueInfoSpec[];
  initializers: readonly InitializerSpec[];
}

export interface ModelSpec {
  irVersion: number;
  opsets: readonly { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
  graph: GraphSpec;
}

const root = protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
const ModelProto = root.lookupType('onnx.ModelProto');
const GraphProto = root.lookupType('onnx.GraphProto');
const TensorProto = root.lookupType('onnx.TensorProto');

// Field keys (field_number << 3 | wire type 2) for the length-delimited fields framed by hand.
const MODEL_GRAPH_KEY = (7 << 3) | 2;
const GRAPH_INITIALIZER_KEY = (5 << 3) | 2;
const TENSOR_RAW_DATA_KEY = (9 << 3) | 2;

function toAttributeProto(name: string, value: AttributeValue): Record<string, unknown> {
  switch (value.kind) {
    case 'int':
      return { name, type: 2, i: value.value };
    case 'float':
      return { name, type: 1, f: value.value };
    case 'ints':
      return { name, type: 7, ints: [...value.value] };
  }
}

function toValueInfoProto(info: ValueInfoSpec): Record<string, unknown> {
  const dim = info.dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name: info.name, type: { tensor_type: { elem_type: info.elemType, shape: { dim } } } };
}

function toNodeProto(node: NodeSpec): Record<string, unknown> {
  return {
    input: [...node.inputs],
    output: [...node.outputs],
    name: node.name,
    op_type: node.opType,
    domain: node.domain ?? '',
    attribute: Object.entries(node.attributes ?? {}).map(([name, value]) => toAttributeProto(name, value)),
  };
}

function frame(key: number, length: number): Uint8Array {
  return protobuf.Writer.create().uint32(key).uint32(length).finish();
}

interface EncodedTensor {
  header: Uint8Array;
  rawFrame: Uint8Array;
  spec: InitializerSpec;
  length: number;
}

// The tensor's metadata goes through protobufjs; raw_data is appended as its own framed field so
// the (possibly 150 MB) payload never has to be copied into a protobufjs buffer.
function encodeTensorHead(spec: InitializerSpec): EncodedTensor {
  const expected = spec.dims.reduce((a, b) => a * b, 1) * DATA_TYPE_BYTES[spec.dataType];
  if (expected !== spec.data.byteLength) {
    throw new Error(`initializer ${spec.name}: dims ${JSON.stringify(spec.dims)} need ${expected} bytes, data has ${spec.data.byteLength}`);
  }
  const header = TensorProto.encode(
    TensorProto.fromObject({ dims: [...spec.dims], data_type: spec.dataType, name: spec.name }),
  ).finish();
  const rawFrame = frame(TENSOR_RAW_DATA_KEY, spec.data.byteLength);
  return { header, rawFrame, spec, length: header.length + rawFrame.length + spec.data.byteLength };
}

/**
 * Yields the serialized ModelProto piece by piece. Protobuf parsers accept fields in any order,
 * so the graph is emitted last and its initializers after nodes/inputs/outputs.
 */
export function* encodeModelChunks(model: ModelSpec): Generator<Uint8Array> {
  const head = ModelProto.encode(
    ModelProto.fromObject({
      ir_version: model.irVersion,
      opset_import: model.opsets.map((o) => ({ domain: o.domain, version: o.version })),
      producer_name: model.producerName,
      producer_version: model.producerVersion,
      doc_string: model.docString ?? '',
      metadata_props: Object.entries(model.metadata ?? {}).map(([key, value]) => ({ key, value })),
    }),
  ).finish();
  const { graph } = model;
  const graphHead = GraphProto.encode(
    GraphProto.fromObject({
      node: graph.nodes.map(toNodeProto),
      name: graph.name,
      input: graph.inputs.map(toValueInfoProto),
      output: graph.outputs.map(toValueInfoProto),
    }),
  ).finish();
  const tensors = graph.initializers.map(encodeTensorHead);
  const tensorFrames = tensors.map((t) => frame(GRAPH_INITIALIZER_KEY, t.length));
  const graphLength = tensors.reduce((sum, t, i) => sum + tensorFrames[i].length + t.length, graphHead.length);

  yield head;
  yield frame(MODEL_GRAPH_KEY, graphLength);
  yield graphHead;
  for (let i = 0; i < tensors.length; i++) {
    const tensor = tensors[i];
    yield tensorFrames[i];
    yield tensor.header;
    yield tensor.rawFrame;
    let written = 0;
    for (const chunk of tensor.spec.data.chunks()) {
      written += chunk.byteLength;
      yield chunk;
    }
    if (written !== tensor.spec.data.byteLength) {
      throw new Error(`initializer ${tensor.spec.name} produced ${written} bytes, expected ${tensor.spec.data.byteLength}`);
    }
  }
}

/** Whole model in memory; for small models and tests. */
export function encodeModel(model: ModelSpec): Uint8Array {
  return Buffer.concat([...encodeModelChunks(model)]);
}

/** Streams the model to `path`; returns the file size in bytes. */
export function writeModelFile(path: string, model: ModelSpec): number {
  const fd = openSync(path, 'w');
  let size = 0;
  try {
    for (const chunk of encodeModelChunks(model)) {
      let offset = 0;
      while (offset < chunk.byteLength) offset += writeSync(fd, chunk, offset, chunk.byteLength - offset);
      size += chunk.byteLength;
    }
  } finally {
    closeSync(fd);
  }
  return size;
}

/** Decoded ModelProto as plain objects (int64 as numbers, bytes as Uint8Array), for inspection. */
export interface DecodedTensor {
  name: string;
  data_type: number;
  dims: number[];
  raw_data?: Uint8Array;
}
export interface DecodedNode {
  name: string;
  op_type: string;
  domain?: string;
  input: string[];
  output: string[];
}
export interface DecodedModel {
  ir_version: number;
  opset_import: { domain?: string; version: number }[];
  producer_name: string;
  metadata_props: { key: string; value: string }[];
  graph: {
    name: string;
    node: DecodedNode[];
    initializer: DecodedTensor[];
    input: unknown[];
    output: unknown[];
  };
}

export function decodeModel(bytes: Uint8Array): DecodedModel {
  const message = ModelProto.decode(bytes);
  return ModelProto.toObject(message, { longs: Number, arrays: true, defaults: false }) as unknown as DecodedModel;
}
