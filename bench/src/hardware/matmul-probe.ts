import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import {
  DataType,
  ModelSpec,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  encodeModel,
  quantizeSymmetricInt8,
  writeModelFile,
} from '@sentiment-ops/model-fixtures';

/**
 * Measured ONNX Runtime MatMul throughput of this machine: a one-op graph with the shape and the
 * op pattern of a transformer weight matmul, timed in a session configured like the benchmark's.
 * The best figure over a few shapes is the "hardware limit" the model's FLOP rate is compared to.
 */

export type ProbeDtype = 'fp32' | 'int8';
export const PROBE_DTYPES: readonly ProbeDtype[] = ['fp32', 'int8'];

export interface MatMulProbeOptions {
  dtype: ProbeDtype;
  intraOpThreads: number;
  /** Rows of A (≈ batch × tokens). Default 512 (16 rows × 32 tokens). */
  m?: number;
  /** Inner dimension. Default 768 (roberta-base hidden size). */
  k?: number;
  /** Output width. Default 3072 (the FFN up-projection). */
  n?: number;
  /** Timed phase lasts at least this long (after warm-up). Default 1.5. */
  minSeconds?: number;
  /** If set, the probe model is also written there (`matmul-probe-<dtype>-<m>x<k>x<n>.onnx`) and loaded from the file. */
  workDir?: string;
}

export interface MatMulProbeResult {
  dtype: ProbeDtype;
  m: number;
  k: number;
  n: number;
  intraOpThreads: number;
  /** Timed runs (warm-up excluded). */
  runs: number;
  /** Median wall time of one `session.run` (includes the JS↔native call overhead). */
  msPerRun: number;
  /** Fastest timed run: less sensitive than the median to other processes competing for the cores. */
  minMsPerRun: number;
  /** 2·m·k·n / (msPerRun / 1000) / 1e9. */
  gflops: number;
}

export interface MatMulShape {
  m: number;
  k: number;
  n: number;
}

export const DEFAULT_PROBE_SHAPE: Readonly<MatMulShape> = { m: 512, k: 768, n: 3072 };

/** m ∈ {32, 512} × (k, n) ∈ {(768, 768), (768, 3072)}: attention projections and FFN, small and large batches. */
export const DEFAULT_PROBE_SHAPES: readonly MatMulShape[] = [
  { m: 32, k: 768, n: 768 },
  { m: 32, k: 768, n: 3072 },
  { m: 512, k: 768, n: 768 },
  { m: 512, k: 768, n: 3072 },
];

const DEFAULT_MIN_SECONDS = 1.5;
const DEFAULT_SEED = 1234;
const WARMUP_RUNS = 3;
const WARMUP_SECONDS = 0.2;
const INPUT_NAME = 'A';
const OUTPUT_NAME = 'Y';

// ---------------------------------------------------------------------------------------------
// Graph construction (model-fixtures' GraphBuilder is internal to that library, so the two tiny
// probe graphs are spelled out as a ModelSpec and serialized with its public `encodeModel`).

type GraphSpec = ModelSpec['graph'];
type NodeSpec = GraphSpec['nodes'][number];
type InitializerSpec = GraphSpec['initializers'][number];
type TensorData = InitializerSpec['data'];

type NumericArray = Float32Array | Int8Array | BigInt64Array;

function bytesOf(array: NumericArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function tensorData(array: NumericArray): TensorData {
  return { byteLength: array.byteLength, chunks: () => [bytesOf(array)] };
}

function node(opType: string, inputs: string[], outputs: string[], attributes?: NodeSpec['attributes']): NodeSpec {
  return { opType, name: `/${outputs[0]}/${opType}`, inputs, outputs, attributes };
}

/** mulberry32 uniform stream in [-1, 1). */
export function seededUniform(seed: number, count: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/**
 * What the probe graph returns. `full`: Y [m, n]. `first-row`: Slice(Y) [1, n]: Y is still
 * computed in full, but onnxruntime-node copies every output into a fresh JS buffer, which for a
 * 512×3072 float output costs a sizeable fraction of an int8 run and has no counterpart inside a
 * model (where the product feeds the next op). The timed probe uses `first-row`.
 */
export type ProbeOutput = 'full' | 'first-row';

export interface MatMulProbeModelOptions extends MatMulShape {
  dtype: ProbeDtype;
  /** Default `full`. */
  output?: ProbeOutput;
  /** B as float32 [k, n], row-major; default seeded uniform values scaled like initializer_range. */
  weights?: Float32Array;
  seed?: number;
}

export interface MatMulProbeModel extends MatMulShape {
  dtype: ProbeDtype;
  output: ProbeOutput;
  model: ModelSpec;
  /** The float32 B the graph was built from (before int8 quantization). */
  weights: Float32Array;
  /** int8 only: the stored per-tensor symmetric quantization of B. */
  quantized?: { values: Int8Array; scale: number };
}

/**
 * fp32: `Y = MatMul(A, B)`, A an input [m, k], B a float initializer [k, n].
 * int8: the pattern ORT's dynamic quantizer emits (and model-fixtures' quantize.ts writes):
 * `DynamicQuantizeLinear(A) → MatMulInteger(A_q, B_q, A_zp, B_zp) → Cast(float) → Mul(·, A_scale·B_scale)`,
 * which ORT fuses into one DynamicQuantizeMatMul kernel at optimization level "all", as in the q8 model.
 */
export function buildMatMulProbeModel(options: MatMulProbeModelOptions): MatMulProbeModel {
  const { dtype, m, k, n } = options;
  for (const [name, value] of Object.entries({ m, k, n })) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`matmul probe: ${name} must be a positive integer, got ${value}`);
  }
  let weights = options.weights;
  if (weights) {
    if (weights.length !== k * n) throw new Error(`matmul probe: weights have ${weights.length} values, [${k}, ${n}] needs ${k * n}`);
  } else {
    weights = seededUniform(options.seed ?? DEFAULT_SEED, k * n);
    for (let i = 0; i < weights.length; i++) weights[i] *= 0.05;
  }

  const output = options.output ?? 'full';
  const product = output === 'full' ? OUTPUT_NAME : 'Y_full';
  const nodes: NodeSpec[] = [];
  const initializers: InitializerSpec[] = [];
  let quantized: MatMulProbeModel['quantized'];
  if (dtype === 'fp32') {
    initializers.push({ name: 'B', dataType: DataType.FLOAT, dims: [k, n], data: tensorData(weights) });
    nodes.push(node('MatMul', [INPUT_NAME, 'B'], [product]));
  } else {
    const q = quantizeSymmetricInt8(weights);
    quantized = { values: q.values, scale: q.scale };
    initializers.push(
      { name: 'B_quantized', dataType: DataType.INT8, dims: [k, n], data: tensorData(q.values) },
      { name: 'B_scale', dataType: DataType.FLOAT, dims: [], data: tensorData(Float32Array.of(q.scale)) },
      { name: 'B_zero_point', dataType: DataType.INT8, dims: [], data: tensorData(Int8Array.of(q.zeroPoint)) },
    );
    nodes.push(
      node('DynamicQuantizeLinear', [INPUT_NAME], ['A_quantized', 'A_scale', 'A_zero_point']),
      node('MatMulInteger', ['A_quantized', 'B_quantized', 'A_zero_point', 'B_zero_point'], ['Y_int32']),
      node('Cast', ['Y_int32'], ['Y_cast'], { to: { kind: 'int', value: DataType.FLOAT } }),
      node('Mul', ['A_scale', 'B_scale'], ['Y_scale']),
      node('Mul', ['Y_cast', 'Y_scale'], [product]),
    );
  }

  if (output === 'first-row') {
    const int64 = (name: string, value: number): InitializerSpec =>
      ({ name, dataType: DataType.INT64, dims: [1], data: tensorData(BigInt64Array.of(BigInt(value))) });
    initializers.push(int64('slice_start', 0), int64('slice_end', 1), int64('slice_axis', 0));
    nodes.push(node('Slice', [product, 'slice_start', 'slice_end', 'slice_axis'], [OUTPUT_NAME]));
  }

  const model: ModelSpec = {
    irVersion: ONNX_IR_VERSION,
    opsets: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'sentiment-ops bench matmul-probe',
    producerVersion: '1',
    docString: `MatMul probe ${dtype} [${m}x${k}]·[${k}x${n}]`,
    graph: {
      name: 'matmul_probe',
      nodes,
      inputs: [{ name: INPUT_NAME, elemType: DataType.FLOAT, dims: [m, k] }],
      outputs: [{ name: OUTPUT_NAME, elemType: DataType.FLOAT, dims: [output === 'full' ? m : 1, n] }],
      initializers,
    },
  };
  return { dtype, output, m, k, n, model, weights, quantized };
}

// ---------------------------------------------------------------------------------------------
// Sessions and timing

function sessionOptions(intraOpThreads: number): InferenceSession.SessionOptions {
  if (!Number.isInteger(intraOpThreads) || intraOpThreads < 1) {
    throw new Error(`matmul probe: intraOpThreads must be a positive integer, got ${intraOpThreads}`);
  }
  return {
    executionProviders: ['cpu'],
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  };
}

function openSession(probe: MatMulProbeModel, intraOpThreads: number, workDir?: string): Promise<InferenceSession> {
  const options = sessionOptions(intraOpThreads);
  if (workDir) {
    mkdirSync(workDir, { recursive: true });
    const path = join(workDir, `matmul-probe-${probe.dtype}-${probe.m}x${probe.k}x${probe.n}.onnx`);
    writeModelFile(path, probe.model);
    return InferenceSession.create(path, options);
  }
  return InferenceSession.create(encodeModel(probe.model), options);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface RunMatMulProbeOnceOptions extends MatMulShape {
  dtype: ProbeDtype;
  /** A, float32 [m, k] row-major. */
  a: Float32Array;
  /** B, float32 [k, n] row-major (quantized to int8 inside the graph for dtype int8). */
  b: Float32Array;
  intraOpThreads?: number;
  /** Default `full`; `first-row` runs the graph variant that probeMatMul times. */
  output?: ProbeOutput;
}

/** Builds the probe graph for the given A and B and runs it once: Y [m, n] (or its first row [1, n]) row-major. */
export async function runMatMulProbeOnce(options: RunMatMulProbeOnceOptions): Promise<Float32Array> {
  const { dtype, m, k, n, a, b } = options;
  if (a.length !== m * k) throw new Error(`matmul probe: A has ${a.length} values, [${m}, ${k}] needs ${m * k}`);
  const probe = buildMatMulProbeModel({ dtype, m, k, n, weights: b, output: options.output });
  const rows = probe.output === 'full' ? m : 1;
  const session = await openSession(probe, options.intraOpThreads ?? 1);
  try {
    const result = await session.run({ [INPUT_NAME]: new Tensor('float32', a, [m, k]) });
    const y = result[OUTPUT_NAME];
    if (y.dims.join() !== `${rows},${n}`) throw new Error(`matmul probe: output dims [${y.dims.join(', ')}], expected [${rows}, ${n}]`);
    return Float32Array.from(y.data as Float32Array);
  } finally {
    await session.release();
  }
}

/** Times `Y = A·B` (fp32 MatMul or the int8 dynamic-quantization pattern) in one ORT session. */
export async function probeMatMul(options: MatMulProbeOptions): Promise<MatMulProbeResult> {
  const { dtype, intraOpThreads } = options;
  const m = options.m ?? DEFAULT_PROBE_SHAPE.m;
  const k = options.k ?? DEFAULT_PROBE_SHAPE.k;
  const n = options.n ?? DEFAULT_PROBE_SHAPE.n;
  const minSeconds = options.minSeconds ?? DEFAULT_MIN_SECONDS;
  if (!(minSeconds >= 0)) throw new Error(`matmul probe: minSeconds must be ≥ 0, got ${minSeconds}`);

  const probe = buildMatMulProbeModel({ dtype, m, k, n, output: 'first-row' });
  const session = await openSession(probe, intraOpThreads, options.workDir);
  try {
    const feeds = { [INPUT_NAME]: new Tensor('float32', seededUniform(DEFAULT_SEED + 1, m * k), [m, k]) };
    // Warm-up: first runs allocate buffers and pack weights.
    const warmupStart = performance.now();
    for (let i = 0; i < WARMUP_RUNS || performance.now() - warmupStart < WARMUP_SECONDS * 1000; i++) await session.run(feeds);

    const samples: number[] = [];
    const start = performance.now();
    const deadline = start + minSeconds * 1000;
    do {
      const t0 = performance.now();
      await session.run(feeds);
      samples.push(performance.now() - t0);
    } while (performance.now() < deadline);

    const msPerRun = median(samples);
    const minMsPerRun = Math.min(...samples);
    return { dtype, m, k, n, intraOpThreads, runs: samples.length, msPerRun, minMsPerRun, gflops: (2 * m * k * n) / (msPerRun / 1000) / 1e9 };
  } finally {
    await session.release();
  }
}

export interface MatMulShapesOptions {
  intraOpThreads: number;
  /** Default both. */
  dtypes?: readonly ProbeDtype[];
  /** Default DEFAULT_PROBE_SHAPES. */
  shapes?: readonly MatMulShape[];
  /** Per shape and dtype; default 1.5. */
  minSeconds?: number;
  workDir?: string;
  /** Called after each measurement (progress output). */
  onResult?: (result: MatMulProbeResult) => void;
}

export interface MatMulShapesResult {
  /** Every measurement, in the order run (dtype-major). */
  results: MatMulProbeResult[];
  /** Per dtype, the measurement with the highest GFLOP/s: the machine's practical limit for that dtype. */
  best: Partial<Record<ProbeDtype, MatMulProbeResult>>;
}

/** Probes several shapes (sequentially) and keeps the best GFLOP/s per dtype. */
export async function probeMatMulShapes(options: MatMulShapesOptions): Promise<MatMulShapesResult> {
  const results: MatMulProbeResult[] = [];
  const best: MatMulShapesResult['best'] = {};
  for (const dtype of options.dtypes ?? PROBE_DTYPES) {
    for (const shape of options.shapes ?? DEFAULT_PROBE_SHAPES) {
      const result = await probeMatMul({
        dtype,
        intraOpThreads: options.intraOpThreads,
        ...shape,
        minSeconds: options.minSeconds,
        workDir: options.workDir,
      });
      results.push(result);
      options.onResult?.(result);
      const current = best[dtype];
      if (!current || result.gflops > current.gflops) best[dtype] = result;
    }
  }
  return { results, best };
}
