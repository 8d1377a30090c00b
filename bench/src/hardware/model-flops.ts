import { readFileSync } from 'node:fs';
import { DecodedModel, decodeModel } from '@sentiment-ops/model-fixtures';

/**
 * FLOPs of a transformer ONNX graph, read off the graph itself: the weight matmuls (an operand is
 * an initializer, possibly behind Transpose / Cast / DequantizeLinear, or MatMulInteger's int8 B)
 * cost 2·k·n per token; the activation×activation matmuls (attention scores QKᵀ and context P·V)
 * cost 2·tokens²·hidden each. Elementwise ops, softmax, LayerNorm and the embedding Gather are not
 * counted (a few % of the total at short sequence lengths).
 */

export interface WeightMatMul {
  /** Node name and op type (MatMul, MatMulInteger, Gemm, ...). */
  node: string;
  opType: string;
  /** Weight [k, n]: k inputs per output, n outputs. */
  k: number;
  n: number;
  /** 2·k·n (times any leading batch dims of the weight). */
  flops: number;
  /**
   * Runs once per sequence rather than per token: its activation comes after a Gather that picks
   * one position on the sequence axis (the `<s>` classification head).
   */
  perSequence: boolean;
}

export interface ModelFlops {
  /** FLOPs per token of the weight matmuls (MatMul / MatMulInteger / Gemm with an initializer operand), i.e. 2·k·n summed. */
  weightFlopsPerToken: number;
  /** Number of activation×activation MatMuls (attention scores and context) and the hidden size they span. */
  attentionMatMuls: number;
  hiddenSize: number;
  /**
   * The part of `weightFlopsPerToken` spent in matmuls that run once per sequence (the classifier
   * head after the `<s>` Gather); 0 if the graph has no such pooling.
   */
  perSequenceWeightFlops: number;
  /** Every weight matmul found, in graph order. */
  weightMatMuls: readonly WeightMatMul[];
  /**
   * FLOPs for one sequence of `tokens` tokens:
   * tokens·(weightFlopsPerToken − perSequenceWeightFlops) + perSequenceWeightFlops + 2·tokens²·hidden per attention matmul.
   * (For roberta-base the head is ~0.7 % of weightFlopsPerToken, so this is within 0.7 % of
   * tokens·weightFlopsPerToken + attention.)
   */
  flopsForSequence(tokens: number): number;
}

/** Reads and decodes an .onnx file (raw tensor bytes stay views into the file buffer, not copies). */
export function countModelFlops(onnxPath: string): ModelFlops {
  return countModelFlopsFromBytes(readFileSync(onnxPath));
}

export function countModelFlopsFromBytes(bytes: Uint8Array): ModelFlops {
  return countModelFlopsFromGraph(decodeModel(bytes));
}

// decodeModel's typings leave out attributes, which the decoded objects carry.
interface DecodedAttribute {
  name: string;
  i?: number;
  ints?: number[];
}
interface GraphNode {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute?: DecodedAttribute[];
}

function intAttribute(node: GraphNode, name: string, fallback: number): number {
  return node.attribute?.find((a) => a.name === name)?.i ?? fallback;
}

function intsAttribute(node: GraphNode, name: string): number[] | undefined {
  return node.attribute?.find((a) => a.name === name)?.ints;
}

/**
 * Which input is the weight ("B") of each matmul-like op; for ops whose A may also be a weight
 * (MatMul, Gemm) the other operand index is given too.
 */
const MATMUL_OPERANDS: Readonly<Record<string, { a: number; b: number }>> = {
  MatMul: { a: 0, b: 1 },
  MatMulInteger: { a: 0, b: 1 },
  Gemm: { a: 0, b: 1 },
  QLinearMatMul: { a: 0, b: 3 },
  FusedMatMul: { a: 0, b: 1 },
  DynamicQuantizeMatMul: { a: 0, b: 1 },
  MatMulIntegerToFloat: { a: 0, b: 1 },
};

/** Ops a weight may pass through unchanged in size on its way into a matmul. */
const WEIGHT_PASSTHROUGH = new Set(['Cast', 'DequantizeLinear', 'Identity', 'Transpose']);

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

export function countModelFlopsFromGraph(model: DecodedModel): ModelFlops {
  const nodes = model.graph.node as GraphNode[];
  const initializerDims = new Map<string, number[]>();
  for (const t of model.graph.initializer) initializerDims.set(t.name, (t.dims ?? []).map(Number));
  const producer = new Map<string, GraphNode>();
  const consumers = new Map<string, GraphNode[]>();
  for (const node of nodes) {
    for (const output of node.output) producer.set(output, node);
    for (const input of node.input) {
      if (!input) continue;
      let list = consumers.get(input);
      if (!list) consumers.set(input, (list = []));
      list.push(node);
    }
  }

  /** Dims of the weight behind `value`, or undefined if it is an activation. */
  const weightDims = (value: string, depth = 0): number[] | undefined => {
    const direct = initializerDims.get(value);
    if (direct) return direct;
    const from = producer.get(value);
    if (!from || depth > 4) return undefined;
    if (from.op_type === 'Constant') return undefined; // not used for weights by our exporters
    if (!WEIGHT_PASSTHROUGH.has(from.op_type)) return undefined;
    const inner = weightDims(from.input[0], depth + 1);
    if (!inner || from.op_type !== 'Transpose') return inner;
    const perm = intsAttribute(from, 'perm') ?? inner.map((_, i) => inner.length - 1 - i);
    return perm.map((p) => inner[p]);
  };

  // Values that still have a sequence axis. Graph inputs do; a Gather that takes one position
  // of axis 1 from such a value (the `<s>` pooling) does not, nor does anything computed from
  // weights and pooled values only.
  const perToken = new Set<string>();
  for (const input of model.graph.input as { name?: string }[]) {
    if (input.name && !initializerDims.has(input.name)) perToken.add(input.name);
  }
  for (const node of nodes) {
    const tokenInputs = node.input.filter((i) => perToken.has(i));
    if (tokenInputs.length === 0) continue;
    const index = initializerDims.get(node.input[1]);
    const pooling =
      node.op_type === 'Gather' && perToken.has(node.input[0]) && intAttribute(node, 'axis', 0) === 1 && index !== undefined && product(index) === 1;
    if (!pooling) for (const output of node.output) perToken.add(output);
  }

  const weightMatMuls: WeightMatMul[] = [];
  const attention: GraphNode[] = [];
  const weightNodes = new Map<GraphNode, WeightMatMul>();
  for (const node of nodes) {
    const operands = MATMUL_OPERANDS[node.op_type];
    if (!operands) continue;
    const aDims = weightDims(node.input[operands.a]);
    const bDims = weightDims(node.input[operands.b]);
    if (aDims && bDims) continue; // constant expression, folded away at load time
    if (!aDims && !bDims) {
      if (node.op_type === 'MatMul' || node.op_type === 'FusedMatMul') attention.push(node);
      continue;
    }
    let k: number;
    let n: number;
    let flops: number;
    let activation: string;
    if (bDims) {
      activation = node.input[operands.a];
      const transposed = node.op_type === 'Gemm' && intAttribute(node, 'transB', 0) === 1;
      const [rows, cols] = bDims.length >= 2 ? bDims.slice(-2) : [bDims[0] ?? 1, 1];
      [k, n] = transposed ? [cols, rows] : [rows, cols];
      flops = 2 * product(bDims);
    } else {
      // Weight on the left (W·x): per output column of x, 2·rows·cols as well.
      activation = node.input[operands.b];
      const dims = aDims as number[];
      const [rows, cols] = dims.length >= 2 ? dims.slice(-2) : [1, dims[0] ?? 1];
      const transposed = node.op_type === 'Gemm' && intAttribute(node, 'transA', 0) === 1;
      [k, n] = transposed ? [rows, cols] : [cols, rows];
      flops = 2 * product(dims);
    }
    const entry: WeightMatMul = { node: node.name, opType: node.op_type, k, n, flops, perSequence: !perToken.has(activation) };
    weightMatMuls.push(entry);
    weightNodes.set(node, entry);
  }

  // The width an attention matmul spans (heads · head size) is the input width of the first
  // weight matmul downstream of it: the attention output projection (hidden → hidden). This also
  // holds when Q, K and V come from one fused [hidden, 3·hidden] projection.
  const spanOf = (start: GraphNode): number | undefined => {
    const seen = new Set<GraphNode>([start]);
    let frontier = [start];
    for (let step = 0; step < 64 && frontier.length > 0; step++) {
      const next: GraphNode[] = [];
      for (const node of frontier) {
        for (const output of node.output) {
          for (const consumer of consumers.get(output) ?? []) {
            const weight = weightNodes.get(consumer);
            if (weight) return weight.k;
            if (!seen.has(consumer)) {
              seen.add(consumer);
              next.push(consumer);
            }
          }
        }
      }
      frontier = next;
    }
    return undefined;
  };
  const spans = attention.map(spanOf);
  const fallback = mostCommon(weightMatMuls.map((w) => w.k)) ?? 0;
  const resolvedSpans = spans.map((s) => s ?? fallback);
  const hiddenSize = mostCommon(resolvedSpans) ?? fallback;
  const attentionSpanSum = resolvedSpans.reduce((a, b) => a + b, 0);

  const weightFlopsPerToken = weightMatMuls.reduce((sum, w) => sum + w.flops, 0);
  const perSequenceWeightFlops = weightMatMuls.filter((w) => w.perSequence).reduce((sum, w) => sum + w.flops, 0);
  return {
    weightFlopsPerToken,
    attentionMatMuls: attention.length,
    hiddenSize,
    perSequenceWeightFlops,
    weightMatMuls,
    flopsForSequence(tokens: number): number {
      if (!(tokens >= 0)) throw new Error(`tokens must be ≥ 0, got ${tokens}`);
      if (tokens === 0) return 0;
      return tokens * (weightFlopsPerToken - perSequenceWeightFlops) + perSequenceWeightFlops + 2 * tokens * tokens * attentionSpanSum;
    },
  };
}

function mostCommon(values: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | undefined;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount) [best, bestCount] = [value, count];
  }
  return best;
}

/** The subset of an HF RoBERTa/BERT config.json the analytic count needs. */
export interface TransformerConfig {
  hidden_size: number;
  num_hidden_layers: number;
  intermediate_size: number;
  /** Classifier width; default the size of id2label, else 2. */
  num_labels?: number;
  id2label?: Record<string, string>;
}

export interface AnalyticFlops {
  /** Per layer: Q, K, V, attention output (4·h²) and FFN up + down (2·h·I), times 2, times layers. */
  encoderFlopsPerToken: number;
  /** RobertaClassificationHead: dense h×h and out_proj h×labels, times 2 (run once per sequence). */
  headFlops: number;
  /** encoder + head, comparable to ModelFlops.weightFlopsPerToken. */
  weightFlopsPerToken: number;
  /** 2 matmuls per layer. */
  attentionMatMuls: number;
}

/** Weight-matmul FLOPs of RobertaForSequenceClassification from its config.json. */
export function analyticRobertaFlops(config: TransformerConfig): AnalyticFlops {
  const h = config.hidden_size;
  const layers = config.num_hidden_layers;
  const inter = config.intermediate_size;
  const labels = config.num_labels ?? (config.id2label ? Object.keys(config.id2label).length : 2);
  const encoderFlopsPerToken = 2 * layers * (4 * h * h + 2 * h * inter);
  const headFlops = 2 * (h * h + h * labels);
  return { encoderFlopsPerToken, headFlops, weightFlopsPerToken: encoderFlopsPerToken + headFlops, attentionMatMuls: 2 * layers };
}
