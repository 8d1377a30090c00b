import type { SentimentLabel } from '@sentiment-ops/contracts';
import { Featurizer, type SparseVector } from './featurizer';
import type { FeaturizerSettings } from './featurizer-settings';

export interface LiteClassifierParams {
  featurizer: FeaturizerSettings;
  /** Class order of the weights' columns (config id2label). */
  labels: readonly SentimentLabel[];
  /** Row-major [buckets, labels]: row b holds bucket b's weight per class. */
  weights: Float32Array;
  /** [labels]. */
  bias: Float32Array;
}

/** Numerically stable softmax (float64). */
export const softmax = (logits: ArrayLike<number>): number[] => {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const exps = Array.from(logits, (z) => Math.exp(z - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
};

/** Index of the largest value (first wins on ties, like argmax in the ONNX consumer). */
export const argmax = (values: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
};

/**
 * Softmax regression on hashed n-gram features, computed in TypeScript. The trainer and the tests
 * use it; serving runs the same maths from onnx/model.onnx.
 */
export class LiteClassifier {
  readonly featurizer: Featurizer;
  readonly labels: readonly SentimentLabel[];
  readonly weights: Float32Array;
  readonly bias: Float32Array;

  constructor(params: LiteClassifierParams) {
    this.featurizer = new Featurizer(params.featurizer);
    this.labels = [...params.labels];
    const classes = this.labels.length;
    const rows = this.featurizer.settings.buckets;
    if (params.weights.length !== rows * classes) {
      throw new Error(`weights have ${params.weights.length} values, expected buckets ${rows} × classes ${classes}`);
    }
    if (params.bias.length !== classes) throw new Error(`bias has ${params.bias.length} values, expected ${classes}`);
    this.weights = params.weights;
    this.bias = params.bias;
  }

  get classes(): number {
    return this.labels.length;
  }

  /** Logits of one featurized text, into `out` (float64 accumulation). */
  logitsInto(indices: ArrayLike<number>, values: ArrayLike<number>, out: Float64Array): Float64Array {
    const classes = this.labels.length;
    for (let c = 0; c < classes; c++) out[c] = this.bias[c];
    for (let j = 0; j < indices.length; j++) {
      const row = indices[j] * classes;
      const value = values[j];
      for (let c = 0; c < classes; c++) out[c] += value * this.weights[row + c];
    }
    return out;
  }

  probabilitiesOf(vector: SparseVector): number[] {
    return softmax(this.logitsInto(vector.indices, vector.values, new Float64Array(this.classes)));
  }

  /** Class probabilities per text, in input order, columns in `labels` order. */
  predictProbabilities(texts: readonly string[]): number[][] {
    return texts.map((text) => this.probabilitiesOf(this.featurizer.featurize(text)));
  }

  predictLabels(texts: readonly string[]): SentimentLabel[] {
    return this.predictProbabilities(texts).map((p) => this.labels[argmax(p)]);
  }
}
