export interface AdamSettings {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** L2 penalty added to the gradient of every parameter a step touches. */
  l2: number;
}

/**
 * Adam over a row-major [rows, width] parameter matrix with lazy sparse updates: a step moves
 * (and decays the moments of) only the rows whose gradient it accumulated, like TF's LazyAdam.
 * Optionally keeps the running average of the iterates (Polyak averaging), also lazily: a row
 * that is not touched contributes its constant value for the steps it skipped.
 */
export class SparseAdam {
  readonly grad: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly stamp: Int32Array;
  private touched: Int32Array;
  private touchedCount = 0;
  private steps = 0;
  // averaging state: per-row sum of iterates and the last step already added to it
  private sum?: Float64Array;
  private recorded?: Int32Array;
  private windowStart = 0;

  constructor(
    readonly params: Float32Array,
    private readonly width: number,
    private readonly settings: AdamSettings,
    averaging = false,
  ) {
    const rows = params.length / width;
    this.grad = new Float32Array(params.length);
    this.m = new Float32Array(params.length);
    this.v = new Float32Array(params.length);
    this.stamp = new Int32Array(rows).fill(-1);
    this.touched = new Int32Array(Math.min(rows, 1 << 16));
    if (averaging) {
      this.sum = new Float64Array(params.length);
      this.recorded = new Int32Array(rows);
    }
  }

  /** Marks `row` as part of the current step; returns its offset into `grad`. */
  touch(row: number): number {
    if (this.stamp[row] !== this.steps) {
      this.stamp[row] = this.steps;
      if (this.touchedCount === this.touched.length) {
        const grown = new Int32Array(this.touched.length * 2);
        grown.set(this.touched);
        this.touched = grown;
      }
      this.touched[this.touchedCount++] = row;
    }
    return row * this.width;
  }

  /** Applies the accumulated gradient of the touched rows with learning rate `lr`, then clears it. */
  step(lr: number): void {
    const { beta1, beta2, epsilon, l2 } = this.settings;
    const { params: w, grad, m, v, sum, recorded, width } = this;
    this.steps += 1;
    // Adam's bias correction folded into the step size
    const stepSize = (lr * Math.sqrt(1 - beta2 ** this.steps)) / (1 - beta1 ** this.steps);
    for (let t = 0; t < this.touchedCount; t++) {
      const row = this.touched[t];
      const from = row * width;
      if (sum && recorded) {
        const skipped = this.steps - 1 - recorded[row];
        for (let k = from; k < from + width; k++) sum[k] += skipped * w[k];
        recorded[row] = this.steps;
      }
      for (let k = from; k < from + width; k++) {
        const g = grad[k] + l2 * w[k];
        m[k] = beta1 * m[k] + (1 - beta1) * g;
        v[k] = beta2 * v[k] + (1 - beta2) * g * g;
        w[k] -= (stepSize * m[k]) / (Math.sqrt(v[k]) + epsilon);
        grad[k] = 0;
        if (sum) sum[k] += w[k];
      }
    }
    this.touchedCount = 0;
  }

  /**
   * The mean of the iterates since the last `resetAverage` (or the start); the current
   * parameters when averaging is off or no step was taken.
   */
  average(): Float32Array {
    const { sum, recorded, width, params } = this;
    const steps = this.steps - this.windowStart;
    if (!sum || !recorded || steps === 0) return params.slice();
    const out = new Float32Array(params.length);
    for (let row = 0; row < recorded.length; row++) {
      const skipped = this.steps - recorded[row];
      for (let k = row * width; k < (row + 1) * width; k++) out[k] = (sum[k] + skipped * params[k]) / steps;
    }
    return out;
  }

  /** Starts a new averaging window at the current step. */
  resetAverage(): void {
    if (!this.sum || !this.recorded) return;
    this.sum.fill(0);
    this.recorded.fill(this.steps);
    this.windowStart = this.steps;
  }
}
