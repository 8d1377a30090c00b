import { GraphBuilder } from './graph-builder';
import { DataType, attr } from './onnx-proto';
import { TensorData, arrayData, materializeFloat32 } from './tensor-data';

export interface QuantizedTensor {
  values: Int8Array;
  scale: number;
  /** Always 0: symmetric quantization, as ORT's dynamic quantizer does for int8 weights. */
  zeroPoint: number;
}

// Local bindings: per-element global lookups are slow inside Jest's vm context.
const { abs, max, min, round, fround } = Math;

// numpy / ORT round half to even; Math.round would bias ties upwards.
function roundHalfEven(x: number): number {
  const r = round(x);
  return abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Per-tensor symmetric int8: scale = max|w| / 127, q = round(w / scale) in [-127, 127]. */
export function quantizeSymmetricInt8(weights: Float32Array): QuantizedTensor {
  let maxAbs = 0;
  for (let i = 0; i < weights.length; i++) maxAbs = max(maxAbs, abs(weights[i]));
  // Math.fround: the stored float32 scale is what ORT multiplies with.
  const scale = fround(maxAbs > 0 ? maxAbs / 127 : 1);
  const values = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    values[i] = max(-127, min(127, roundHalfEven(weights[i] / scale)));
  }
  return { values, scale, zeroPoint: 0 };
}

export interface QuantizedMatMulOptions {
  /** Base name of the weight initializer, e.g. "roberta.encoder.layer.0.attention.self.query.weight". */
  weightName: string;
  /** [in, out] (already transposed, as ONNX MatMul expects). */
  dims: readonly [number, number];
  weights: TensorData;
  scope?: string;
}

/**
 * x · W with int8 weights, the pattern ORT's `quantize_dynamic` emits for MatMul:
 * DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q, x_zp, W_zp) → Cast(float) → Mul(x_scale · W_scale).
 * The caller adds the float bias afterwards, as ORT leaves the Add in float.
 */
export function quantizedMatMul(b: GraphBuilder, x: string, options: QuantizedMatMulOptions): string {
  const { weightName, dims, scope } = options;
  const quantized = quantizeSymmetricInt8(materializeFloat32(options.weights));
  const weight = b.initializer(`${weightName}_quantized`, DataType.INT8, dims, arrayData(quantized.values), true);
  const weightScale = b.initializer(`${weightName}_scale`, DataType.FLOAT, [], arrayData(Float32Array.of(quantized.scale)));
  const weightZeroPoint = b.initializer(`${weightName}_zero_point`, DataType.INT8, [], arrayData(Int8Array.of(quantized.zeroPoint)));

  const [xQuantized, xScale, xZeroPoint] = b.node('DynamicQuantizeLinear', [x], { outputCount: 3, scope });
  const product = b.op('MatMulInteger', [xQuantized, weight, xZeroPoint, weightZeroPoint], { scope });
  const asFloat = b.op('Cast', [product], { attributes: { to: attr.int(DataType.FLOAT) }, scope });
  const scale = b.op('Mul', [xScale, weightScale], { scope });
  return b.op('Mul', [asFloat, scale], { scope });
}
