import {
  AttributeValue,
  DataType,
  GraphSpec,
  InitializerSpec,
  NodeSpec,
  ValueInfoSpec,
  Dim,
} from './onnx-proto';
import { TensorData, floatData, int64Data } from './tensor-data';

export interface NodeOptions {
  /** Output names; defaults to one unique name derived from the op type. */
  outputs?: readonly string[];
  /** Number of outputs when names are generated (e.g. 3 for DynamicQuantizeLinear). */
  outputCount?: number;
  attributes?: Readonly<Record<string, AttributeValue>>;
  domain?: string;
  /** Prefix for node and value names, e.g. "layer.0.attention". */
  scope?: string;
}

/** Minimal ONNX graph builder: unique names, deduplicated constants, parameter counting. */
export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: InitializerSpec[] = [];
  private readonly inputs: ValueInfoSpec[] = [];
  private readonly outputs: ValueInfoSpec[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();
  private parameters = 0;

  constructor(private readonly name: string) {}

  /** `base`, or `base_1`, `base_2`, ... if taken. */
  uniqueName(base: string): string {
    let candidate = base;
    for (let i = 1; this.used.has(candidate); i++) candidate = `${base}_${i}`;
    this.used.add(candidate);
    return candidate;
  }

  input(name: string, elemType: DataType, dims: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push({ name, elemType, dims });
    return name;
  }

  output(name: string, elemType: DataType, dims: readonly Dim[]): void {
    this.outputs.push({ name, elemType, dims });
  }

  /**
   * Adds an initializer. `parameter: true` marks trainable weights, counted in `parameterCount`
   * (shape constants, quantization scales etc. are not).
   */
  initializer(name: string, dataType: DataType, dims: readonly number[], data: TensorData, parameter = false): string {
    this.claim(name);
    this.initializers.push({ name, dataType, dims, data });
    if (parameter) this.parameters += dims.reduce((a, b) => a * b, 1);
    return name;
  }

  /** Shared int64 constant (shapes, axes, indices); `dims` [] makes a scalar. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(`int64:${dims.join('x')}:${values.join(',')}`, 'const_i64', DataType.INT64, dims, () => int64Data(values));
  }

  /** Shared float32 scalar constant. */
  float(value: number): string {
    return this.constant(`float:${value}`, 'const_f32', DataType.FLOAT, [], () => floatData([value]));
  }

  /** Adds a node; returns its output names. */
  node(opType: string, inputs: readonly string[], options: NodeOptions = {}): string[] {
    const scope = options.scope ? `${options.scope}/` : '';
    const name = this.uniqueName(`/${scope}${opType}`);
    const outputs = options.outputs
      ? [...options.outputs]
      : Array.from({ length: options.outputCount ?? 1 }, (_, i) => this.uniqueName(`${name}_output_${i}`));
    for (const output of options.outputs ?? []) this.claim(output);
    this.nodes.push({ opType, name, inputs, outputs, domain: options.domain, attributes: options.attributes });
    return outputs;
  }

  /** Single-output convenience wrapper around `node`. */
  op(opType: string, inputs: readonly string[], options: Omit<NodeOptions, 'outputCount'> = {}): string {
    return this.node(opType, inputs, options)[0];
  }

  get parameterCount(): number {
    return this.parameters;
  }

  build(): GraphSpec {
    if (this.outputs.length === 0) throw new Error('graph has no outputs');
    return {
      name: this.name,
      nodes: [...this.nodes],
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      initializers: [...this.initializers],
    };
  }

  private constant(key: string, base: string, dataType: DataType, dims: readonly number[], data: () => TensorData): string {
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = this.uniqueName(base);
    this.initializers.push({ name, dataType, dims, data: data() });
    this.constants.set(key, name);
    return name;
  }

  private claim(name: string): void {
    if (this.used.has(name)) throw new Error(`duplicate value name ${name}`);
    this.used.add(name);
  }
}
