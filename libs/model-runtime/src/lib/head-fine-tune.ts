import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoTokenizer, type PreTrainedTokenizer } from '@huggingface/transformers';
import { decodeModel, type DecodedModel, type DecodedTensor } from '@sentiment-ops/model-fixtures';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import * as protobuf from 'protobufjs';
import { restoreEndTokens } from './batching';
import { preprocessTweet } from './preprocess';

/** One labelled example: `label` is a class index or an id2label name (case-insensitive). */
export interface LabelledText {
  text: string;
  label: number | string;
}

export interface HeadFineTuneOptions {
  /** Model folder in the HF hub layout with an fp32 `onnx/model.onnx`. */
  baseFolder: string;
  train: readonly LabelledText[];
  /** Early stopping selects on this split's macro F1 (never pass a test split here). */
  holdout: readonly LabelledText[];
  outDir: string;
  seed?: number;
  epochs?: number;
  /** Adam step size in standardised feature space (default 0.02). */
  learningRate?: number;
  /** L2 penalty on the standardised-space weights (default 1e-3). */
  l2?: number;
  /** Mini-batch size for gradient steps (default 16). */
  batchSize?: number;
  /** Stop after this many epochs without a better holdout score (default 10). */
  patience?: number;
  /** Texts per ONNX run while extracting features (default 32). */
  featureBatchSize?: number;
  intraOpNumThreads?: number;
  onEpoch?: (info: HeadFineTuneEpoch) => void;
}

export interface HeadFineTuneEpoch {
  epoch: number;
  trainLoss: number;
  holdoutMacroF1: number;
  holdoutAccuracy: number;
  holdoutLoss: number;
}

export interface HeadMetrics {
  holdoutMacroF1: number;
  holdoutAccuracy: number;
  trainMacroF1: number;
  trainAccuracy: number;
}

export interface HeadFineTuneResult {
  outDir: string;
  /** Epochs actually run (early stopping may end before `epochs`). */
  epochs: number;
  /** Epoch whose head was written (0 = the original head was best). */
  bestEpoch: number;
  before: HeadMetrics;
  after: HeadMetrics;
  headShape: [number, number];
  /** Initializer names that were replaced in onnx/model.onnx. */
  replacedInitializers: [string, string];
  /** Only fp32 is written: load the folder with dtype "fp32"; q8 must be re-quantized. */
  dtype: 'fp32';
  note: string;
}

/** The final projection of a classifier graph: features · W + b = logits. */
export interface ClassifierHead {
  logitsName: string;
  featuresName: string;
  weight: DecodedTensor;
  bias: DecodedTensor;
  hidden: number;
  classes: number;
}

const COPIED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.json', 'merges.txt'] as const;
const FLOAT = 1;

/** Finds the MatMul + Add that produce the `logits` graph output (both with initializer weights). */
export function findClassifierHead(model: DecodedModel, logitsName = 'logits'): ClassifierHead {
  const { graph } = model;
  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  const producer = (name: string) => graph.node.find((n) => n.output.includes(name));
  const add = producer(logitsName);
  if (!add || add.op_type !== 'Add') throw new Error(`graph output ${logitsName} is not produced by an Add node (${add?.op_type ?? 'none'})`);
  const biasName = add.input.find((i) => initializers.has(i));
  const productName = add.input.find((i) => !initializers.has(i));
  const matmul = productName ? producer(productName) : undefined;
  if (!biasName || !matmul || matmul.op_type !== 'MatMul') throw new Error(`${logitsName} is not MatMul + Add(bias initializer)`);
  const [featuresName, weightName] = matmul.input;
  const weight = initializers.get(weightName);
  const bias = initializers.get(biasName) as DecodedTensor;
  if (!weight || weight.dims.length !== 2) throw new Error(`MatMul ${matmul.name} has no 2-D weight initializer`);
  const [hidden, classes] = weight.dims.map(Number);
  if (bias.dims.reduce((a, b) => a * Number(b), 1) !== classes) throw new Error(`bias ${bias.name} does not match ${classes} classes`);
  for (const t of [weight, bias]) {
    if (t.data_type !== FLOAT || !t.raw_data) throw new Error(`initializer ${t.name} must be float32 raw_data`);
  }
  return { logitsName, featuresName, weight, bias, hidden, classes };
}

// ---------------------------------------------------------------------------------------------
// Wire-level protobuf edits, so every byte except the ones that change stays as it was.

interface WireField {
  field: number;
  keyStart: number;
  valueStart: number;
  valueEnd: number;
}

function wireFields(bytes: Uint8Array, start: number, end: number): WireField[] {
  const reader = protobuf.Reader.create(bytes);
  reader.pos = start;
  reader.len = end;
  const fields: WireField[] = [];
  while (reader.pos < end) {
    const keyStart = reader.pos;
    const tag = reader.uint32();
    const wire = tag & 7;
    if (wire === 2) {
      const length = reader.uint32();
      const valueStart = reader.pos;
      reader.skip(length);
      fields.push({ field: tag >>> 3, keyStart, valueStart, valueEnd: reader.pos });
    } else {
      const valueStart = reader.pos;
      reader.skipType(wire);
      fields.push({ field: tag >>> 3, keyStart, valueStart, valueEnd: reader.pos });
    }
  }
  return fields;
}

function graphField(bytes: Uint8Array): WireField {
  const graph = wireFields(bytes, 0, bytes.length).filter((f) => f.field === 7);
  if (graph.length !== 1) throw new Error(`expected one ModelProto.graph field, found ${graph.length}`);
  return graph[0];
}

/** Byte range of each initializer's raw_data inside the serialized model. */
function rawDataRanges(bytes: Uint8Array): Map<string, { start: number; end: number }> {
  const graph = graphField(bytes);
  const ranges = new Map<string, { start: number; end: number }>();
  for (const init of wireFields(bytes, graph.valueStart, graph.valueEnd).filter((f) => f.field === 5)) {
    const fields = wireFields(bytes, init.valueStart, init.valueEnd);
    const name = fields.find((f) => f.field === 8);
    const raw = fields.find((f) => f.field === 9);
    if (name && raw) ranges.set(Buffer.from(bytes.subarray(name.valueStart, name.valueEnd)).toString('utf8'), { start: raw.valueStart, end: raw.valueEnd });
  }
  return ranges;
}

/** A copy of the model with `name` (float, [batch, hidden]) as an extra graph output. */
export function withExtraOutput(bytes: Uint8Array, name: string, hidden: number): Buffer {
  const message = (build: (w: protobuf.Writer) => protobuf.Writer): Uint8Array => build(protobuf.Writer.create()).finish();
  const symbolic = message((w) => w.uint32((2 << 3) | 2).string('batch_size'));
  const fixed = message((w) => w.uint32((1 << 3) | 0).int64(hidden));
  const shape = message((w) => w.uint32((1 << 3) | 2).bytes(symbolic).uint32((1 << 3) | 2).bytes(fixed));
  const tensorType = message((w) => w.uint32((1 << 3) | 0).int32(FLOAT).uint32((2 << 3) | 2).bytes(shape));
  const type = message((w) => w.uint32((1 << 3) | 2).bytes(tensorType));
  const valueInfo = message((w) => w.uint32((1 << 3) | 2).string(name).uint32((2 << 3) | 2).bytes(type));
  const extra = message((w) => w.uint32((12 << 3) | 2).bytes(valueInfo));
  const graph = graphField(bytes);
  const header = message((w) => w.uint32((7 << 3) | 2).uint32(graph.valueEnd - graph.valueStart + extra.length));
  return Buffer.concat([
    bytes.subarray(0, graph.keyStart),
    header,
    bytes.subarray(graph.valueStart, graph.valueEnd),
    extra,
    bytes.subarray(graph.valueEnd),
  ]);
}

/** A copy of the model with the raw_data of the given float initializers replaced (same sizes). */
export function replaceFloatInitializers(bytes: Uint8Array, replacements: Readonly<Record<string, ArrayLike<number>>>): Buffer {
  const out = Buffer.from(bytes);
  const ranges = rawDataRanges(out);
  for (const [name, values] of Object.entries(replacements)) {
    const range = ranges.get(name);
    if (!range) throw new Error(`initializer ${name} has no raw_data`);
    if (range.end - range.start !== values.length * 4) throw new Error(`initializer ${name}: ${values.length} values do not fit ${range.end - range.start} bytes`);
    for (let i = 0; i < values.length; i++) out.writeFloatLE(values[i], range.start + i * 4);
  }
  return out;
}


// ---------------------------------------------------------------------------------------------
// Features from the frozen encoder.

interface TokenizerConfigLike {
  model_type?: string | null;
  max_position_embeddings?: number;
  pad_token_id?: number;
  id2label?: Record<string, string>;
}

const maxTokens = (config: TokenizerConfigLike, tokenizer: PreTrainedTokenizer): number => {
  const limits: number[] = [];
  const tokenizerMax = Number(tokenizer.model_max_length);
  if (Number.isFinite(tokenizerMax) && tokenizerMax > 0 && tokenizerMax < 1e6) limits.push(tokenizerMax);
  if (config.max_position_embeddings) {
    const reserved = config.model_type?.includes('roberta') ? (config.pad_token_id ?? 1) + 1 : 0;
    limits.push(config.max_position_embeddings - reserved);
  }
  return limits.length > 0 ? Math.min(...limits) : 512;
};

interface FeatureExtractor {
  features(texts: readonly string[]): Promise<Float64Array>;
  release(): Promise<void>;
}

async function createFeatureExtractor(
  folder: string,
  modelBytes: Uint8Array,
  head: ClassifierHead,
  config: TokenizerConfigLike,
  options: { batchSize: number; intraOpNumThreads: number },
): Promise<FeatureExtractor> {
  const tokenizer = await AutoTokenizer.from_pretrained(folder);
  const maxLength = maxTokens(config, tokenizer);
  const session = await InferenceSession.create(withExtraOutput(modelBytes, head.featuresName, head.hidden), {
    intraOpNumThreads: options.intraOpNumThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3,
  });
  const padId = tokenizer.pad_token_id ?? config.pad_token_id ?? 1;
  const endId = tokenizer.sep_token_id ?? tokenizer.eos_token_id;

  const features = async (texts: readonly string[]): Promise<Float64Array> => {
    const out = new Float64Array(texts.length * head.hidden);
    for (let start = 0; start < texts.length; start += options.batchSize) {
      const batch = texts.slice(start, start + options.batchSize);
      const encoded = tokenizer(batch.map(preprocessTweet), { padding: false, truncation: true, max_length: maxLength, return_tensor: false }) as unknown as {
        input_ids: number[][];
      };
      const rows = restoreEndTokens(encoded.input_ids, maxLength, endId);
      const width = Math.max(...rows.map((row) => row.length));
      const ids = new BigInt64Array(rows.length * width).fill(BigInt(padId));
      const mask = new BigInt64Array(rows.length * width);
      rows.forEach((row, r) =>
        row.forEach((id, c) => {
          ids[r * width + c] = BigInt(id);
          mask[r * width + c] = 1n;
        }),
      );
      const available: Record<string, OrtTensor> = {
        input_ids: new OrtTensor('int64', ids, [rows.length, width]),
        attention_mask: new OrtTensor('int64', mask, [rows.length, width]),
        token_type_ids: new OrtTensor('int64', new BigInt64Array(rows.length * width), [rows.length, width]),
      };
      const feeds: Record<string, OrtTensor> = {};
      for (const name of session.inputNames) {
        if (!available[name]) throw new Error(`model input ${name} is not supported`);
        feeds[name] = available[name];
      }
      const result = await session.run(feeds, [head.featuresName]);
      const tensor = result[head.featuresName];
      if (tensor.dims.length !== 2 || tensor.dims[0] !== rows.length || tensor.dims[1] !== head.hidden) {
        throw new Error(`features ${head.featuresName} have shape [${tensor.dims.join(', ')}], expected [${rows.length}, ${head.hidden}]`);
      }
      const data = tensor.data as Float32Array;
      for (let i = 0; i < data.length; i++) out[start * head.hidden + i] = data[i];
    }
    return out;
  };
  return { features, release: () => session.release() };
}

// ---------------------------------------------------------------------------------------------
// Softmax regression in Float64.

/** mulberry32: small, fast, deterministic. */
const prng = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

interface Head {
  w: Float64Array; // [H, K]
  b: Float64Array; // [K]
}

function logitsOf(x: Float64Array, row: number, head: Head, hidden: number, classes: number, out: Float64Array): void {
  for (let k = 0; k < classes; k++) out[k] = head.b[k];
  for (let j = 0; j < hidden; j++) {
    const v = x[row * hidden + j];
    if (v === 0) continue;
    for (let k = 0; k < classes; k++) out[k] += v * head.w[j * classes + k];
  }
}

function softmaxInPlace(z: Float64Array): void {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    z[k] = Math.exp(z[k] - max);
    sum += z[k];
  }
  for (let k = 0; k < z.length; k++) z[k] /= sum;
}

/** Macro F1 over the classes present in the labels or the predictions (as scikit-learn). */
export function macroF1(labels: readonly number[], predicted: readonly number[]): number {
  const classes = [...new Set([...labels, ...predicted])];
  if (classes.length === 0) return 0;
  let total = 0;
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    labels.forEach((y, i) => {
      if (predicted[i] === c && y === c) tp++;
      else if (predicted[i] === c) fp++;
      else if (y === c) fn++;
    });
    total += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return total / classes.length;
}

interface Evaluation {
  macroF1: number;
  accuracy: number;
  loss: number;
}

function evaluate(x: Float64Array, y: readonly number[], head: Head, hidden: number, classes: number): Evaluation {
  const z = new Float64Array(classes);
  const predicted: number[] = [];
  let loss = 0;
  let correct = 0;
  y.forEach((label, row) => {
    logitsOf(x, row, head, hidden, classes, z);
    softmaxInPlace(z);
    let best = 0;
    for (let k = 1; k < classes; k++) if (z[k] > z[best]) best = k;
    predicted.push(best);
    if (best === label) correct++;
    loss -= Math.log(Math.max(z[label], 1e-300));
  });
  return { macroF1: macroF1(y, predicted), accuracy: y.length ? correct / y.length : 0, loss: y.length ? loss / y.length : 0 };
}

interface Standardiser {
  mean: Float64Array;
  scale: Float64Array;
}

function standardiser(x: Float64Array, rows: number, hidden: number): Standardiser {
  const mean = new Float64Array(hidden);
  const scale = new Float64Array(hidden);
  for (let r = 0; r < rows; r++) for (let j = 0; j < hidden; j++) mean[j] += x[r * hidden + j] / rows;
  for (let r = 0; r < rows; r++) for (let j = 0; j < hidden; j++) scale[j] += (x[r * hidden + j] - mean[j]) ** 2 / rows;
  for (let j = 0; j < hidden; j++) scale[j] = scale[j] > 1e-12 ? Math.sqrt(scale[j]) : 1;
  return { mean, scale };
}

/** Head on standardised features ↔ head on raw features: z = (x − μ)/σ, so W = V/σ, b = c − μ·W. */
function toRawHead(v: Head, s: Standardiser, hidden: number, classes: number): Head {
  const w = new Float64Array(hidden * classes);
  const b = Float64Array.from(v.b);
  for (let j = 0; j < hidden; j++) {
    for (let k = 0; k < classes; k++) {
      w[j * classes + k] = v.w[j * classes + k] / s.scale[j];
      b[k] -= s.mean[j] * w[j * classes + k];
    }
  }
  return { w, b };
}

function toStandardisedHead(raw: Head, s: Standardiser, hidden: number, classes: number): Head {
  const w = new Float64Array(hidden * classes);
  const b = Float64Array.from(raw.b);
  for (let j = 0; j < hidden; j++) {
    for (let k = 0; k < classes; k++) {
      w[j * classes + k] = raw.w[j * classes + k] * s.scale[j];
      b[k] += s.mean[j] * raw.w[j * classes + k];
    }
  }
  return { w, b };
}

const readFloats = (tensor: DecodedTensor): Float64Array => {
  const raw = Buffer.from(tensor.raw_data as Uint8Array);
  const out = new Float64Array(raw.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = raw.readFloatLE(i * 4);
  return out;
};

function resolveLabels(examples: readonly LabelledText[], classes: number, id2label: Record<string, string> | undefined): number[] {
  const byName = new Map(Object.entries(id2label ?? {}).map(([id, name]) => [name.toLowerCase(), Number(id)]));
  return examples.map(({ label }, i) => {
    const index = typeof label === 'number' ? label : byName.get(label.toLowerCase());
    if (index === undefined || !Number.isInteger(index) || index < 0 || index >= classes) {
      throw new Error(`example ${i}: label ${JSON.stringify(label)} is not one of ${classes} classes`);
    }
    return index;
  });
}

// ---------------------------------------------------------------------------------------------

/**
 * Fine-tunes only the final classification projection (out_proj) of a transformer ONNX model:
 * the encoder and the dense+tanh before out_proj are frozen, their output is computed once with
 * onnxruntime-node, and a class-balanced softmax regression (Adam, Float64, seeded mini-batches,
 * L2) is trained from the current head with early stopping on holdout macro F1. The output
 * folder has the original fp32 graph with only the out_proj weight and bias replaced.
 */
export async function fineTuneTransformerHead(options: HeadFineTuneOptions): Promise<HeadFineTuneResult> {
  const {
    baseFolder,
    train,
    holdout,
    outDir,
    seed = 42,
    epochs = 30,
    learningRate = 0.02,
    l2 = 1e-3,
    batchSize = 16,
    patience = 10,
    featureBatchSize = 32,
    intraOpNumThreads = 1,
    onEpoch,
  } = options;
  if (train.length === 0 || holdout.length === 0) throw new Error('train and holdout must not be empty');
  const modelPath = join(baseFolder, 'onnx/model.onnx');
  const modelBytes = readFileSync(modelPath);
  const config = JSON.parse(readFileSync(join(baseFolder, 'config.json'), 'utf8')) as TokenizerConfigLike;
  const head = findClassifierHead(decodeModel(modelBytes));
  const { hidden, classes } = head;
  const trainY = resolveLabels(train, classes, config.id2label);
  const holdoutY = resolveLabels(holdout, classes, config.id2label);

  const extractor = await createFeatureExtractor(baseFolder, modelBytes, head, config, { batchSize: featureBatchSize, intraOpNumThreads });
  let trainX: Float64Array;
  let holdoutX: Float64Array;
  try {
    trainX = await extractor.features(train.map((e) => e.text));
    holdoutX = await extractor.features(holdout.map((e) => e.text));
  } finally {
    await extractor.release();
  }

  const initial: Head = { w: readFloats(head.weight), b: readFloats(head.bias) };
  const metrics = (h: Head): HeadMetrics & { holdoutLoss: number } => {
    const ho = evaluate(holdoutX, holdoutY, h, hidden, classes);
    const tr = evaluate(trainX, trainY, h, hidden, classes);
    return { holdoutMacroF1: ho.macroF1, holdoutAccuracy: ho.accuracy, holdoutLoss: ho.loss, trainMacroF1: tr.macroF1, trainAccuracy: tr.accuracy };
  };
  const before = metrics(initial);

  // Train in standardised feature space (well conditioned), starting from the current head.
  const n = train.length;
  const scaler = standardiser(trainX, n, hidden);
  const z = new Float64Array(n * hidden);
  for (let r = 0; r < n; r++) for (let j = 0; j < hidden; j++) z[r * hidden + j] = (trainX[r * hidden + j] - scaler.mean[j]) / scaler.scale[j];
  const params = toStandardisedHead(initial, scaler, hidden, classes);
  const counts = new Array<number>(classes).fill(0);
  for (const y of trainY) counts[y]++;
  const present = counts.filter((c) => c > 0).length;
  const classWeight = counts.map((c) => (c > 0 ? n / (present * c) : 0));

  const size = hidden * classes + classes;
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const grad = new Float64Array(size);
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  let step = 0;
  const random = prng(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  const probs = new Float64Array(classes);

  let best = { epoch: 0, head: initial, f1: before.holdoutMacroF1, loss: before.holdoutLoss };
  let ran = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    ran = epoch;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let epochLoss = 0;
    for (let start = 0; start < n; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      grad.fill(0);
      const totalWeight = batch.reduce((sum, r) => sum + classWeight[trainY[r]], 0) || 1;
      for (const r of batch) {
        logitsOf(z, r, params, hidden, classes, probs);
        softmaxInPlace(probs);
        const weight = classWeight[trainY[r]] / totalWeight;
        epochLoss -= classWeight[trainY[r]] * Math.log(Math.max(probs[trainY[r]], 1e-300));
        for (let k = 0; k < classes; k++) {
          const delta = weight * (probs[k] - (k === trainY[r] ? 1 : 0));
          if (delta === 0) continue;
          for (let j = 0; j < hidden; j++) grad[j * classes + k] += delta * z[r * hidden + j];
          grad[hidden * classes + k] += delta;
        }
      }
      for (let i = 0; i < hidden * classes; i++) grad[i] += l2 * params.w[i];
      step++;
      const correction1 = 1 - beta1 ** step;
      const correction2 = 1 - beta2 ** step;
      for (let i = 0; i < size; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * grad[i];
        v[i] = beta2 * v[i] + (1 - beta2) * grad[i] * grad[i];
        const update = (learningRate * (m[i] / correction1)) / (Math.sqrt(v[i] / correction2) + eps);
        if (i < hidden * classes) params.w[i] -= update;
        else params.b[i - hidden * classes] -= update;
      }
    }
    const candidate = toRawHead(params, scaler, hidden, classes);
    const ho = evaluate(holdoutX, holdoutY, candidate, hidden, classes);
    onEpoch?.({ epoch, trainLoss: epochLoss / n, holdoutMacroF1: ho.macroF1, holdoutAccuracy: ho.accuracy, holdoutLoss: ho.loss });
    if (ho.macroF1 > best.f1 + 1e-12 || (Math.abs(ho.macroF1 - best.f1) <= 1e-12 && ho.loss < best.loss)) {
      best = { epoch, head: candidate, f1: ho.macroF1, loss: ho.loss };
    } else if (epoch - best.epoch >= patience) {
      break;
    }
  }

  // The written head is float32: report metrics for exactly those values.
  const written: Head = { w: Float64Array.from(Float32Array.from(best.head.w)), b: Float64Array.from(Float32Array.from(best.head.b)) };
  const after = metrics(written);

  mkdirSync(join(outDir, 'onnx'), { recursive: true });
  for (const file of COPIED_FILES) {
    if (existsSync(join(baseFolder, file))) copyFileSync(join(baseFolder, file), join(outDir, file));
  }
  writeFileSync(
    join(outDir, 'onnx/model.onnx'),
    replaceFloatInitializers(modelBytes, { [head.weight.name]: written.w, [head.bias.name]: written.b }),
  );

  const strip = ({ holdoutMacroF1, holdoutAccuracy, trainMacroF1, trainAccuracy }: HeadMetrics): HeadMetrics => ({
    holdoutMacroF1,
    holdoutAccuracy,
    trainMacroF1,
    trainAccuracy,
  });
  return {
    outDir,
    epochs: ran,
    bestEpoch: best.epoch,
    before: strip(before),
    after: strip(after),
    headShape: [hidden, classes],
    replacedInitializers: [head.weight.name, head.bias.name],
    dtype: 'fp32',
    note: 'only onnx/model.onnx (fp32) is written: load with dtype "fp32"; onnx/model_quantized.onnx must be re-quantized from it',
  };
}
