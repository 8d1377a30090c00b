import { normalStream } from './prng';

/**
 * Raw little-endian tensor bytes, produced on demand in chunks. Lazy so that a 500 MB model
 * is written tensor by tensor without ever holding all weights (or the encoded file) in memory.
 */
export interface TensorData {
  readonly byteLength: number;
  chunks(): Iterable<Uint8Array>;
}

type NumericArray = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

// Weights are generated in slices of this many elements (4 MB of float32).
const CHUNK_ELEMENTS = 1 << 20;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  // ONNX raw_data is little-endian; typed-array views are host-endian.
  throw new Error('model-fixtures requires a little-endian host');
}

function bytesOf(array: NumericArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Wraps an in-memory typed array. */
export function arrayData(array: NumericArray): TensorData {
  return { byteLength: array.byteLength, chunks: () => [bytesOf(array)] };
}

/** int64 tensor data from plain numbers (shape constants, indices). */
export function int64Data(values: readonly number[]): TensorData {
  return arrayData(BigInt64Array.from(values, (v) => BigInt(v)));
}

export function floatData(values: readonly number[]): TensorData {
  return arrayData(Float32Array.from(values));
}

/** `count` float32 values all equal to `value` (LayerNorm gamma/beta, biases). */
export function constantFloatData(count: number, value: number): TensorData {
  return {
    byteLength: count * 4,
    *chunks() {
      for (let start = 0; start < count; start += CHUNK_ELEMENTS) {
        yield bytesOf(new Float32Array(Math.min(CHUNK_ELEMENTS, count - start)).fill(value));
      }
    },
  };
}

export interface NormalDataOptions {
  /** Seed of the whole model; combined with `key` so each tensor has its own stream. */
  seed: number;
  /** Stable tensor identity (its initializer name). */
  key: string;
  count: number;
  std: number;
  /** Rows (of width `rowWidth`) forced to zero, like HF's padding_idx embedding row. */
  zeroRows?: readonly number[];
  rowWidth?: number;
}

/**
 * Seeded N(0, std) float32 data. Regenerated on every `chunks()` call from its own stream, so
 * the fp32 and q8 files see identical weights without caching them.
 */
export function normalData(options: NormalDataOptions): TensorData {
  const { count, std, zeroRows = [], rowWidth = 0 } = options;
  return {
    byteLength: count * 4,
    *chunks() {
      const next = normalStream(options.seed, options.key);
      for (let start = 0; start < count; start += CHUNK_ELEMENTS) {
        const chunk = new Float32Array(Math.min(CHUNK_ELEMENTS, count - start));
        for (let i = 0; i < chunk.length; i++) chunk[i] = next() * std;
        for (const row of zeroRows) {
          const from = Math.max(row * rowWidth, start);
          const to = Math.min((row + 1) * rowWidth, start + chunk.length);
          if (from < to) chunk.fill(0, from - start, to - start);
        }
        yield bytesOf(chunk);
      }
    },
  };
}

/** Collects a float32 TensorData into one array (used when quantizing a weight matrix). */
export function materializeFloat32(data: TensorData): Float32Array {
  const out = new Float32Array(data.byteLength / 4);
  const view = new Uint8Array(out.buffer);
  let offset = 0;
  for (const chunk of data.chunks()) {
    view.set(chunk, offset);
    offset += chunk.byteLength;
  }
  if (offset !== data.byteLength) throw new Error(`tensor data produced ${offset} bytes, expected ${data.byteLength}`);
  return out;
}
