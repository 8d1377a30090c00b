import { DriftInputException } from './drift.errors';
import { alignDistributions, assertSample, Distribution, sortedCopy, sum } from './inputs';

/** Proportion that replaces an empty bin so ln(0) never occurs (Evidently's 0.0001). */
export const DEFAULT_PSI_EPSILON = 1e-4;

export interface PsiOptions {
  /** Number of reference-quantile bins (default 10, deciles). */
  bins?: number;
  epsilon?: number;
}

/** Quantile with linear interpolation between order statistics (numpy default, Hyndman–Fan type 7). */
export function quantile(sorted: readonly number[], probability: number): number {
  const h = (sorted.length - 1) * probability;
  const low = Math.floor(h);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low] + (h - low) * (sorted[high] - sorted[low]);
}

/**
 * PSI for categories: Σ (c_k − r_k) · ln(c_k / r_k) over proportions, zero proportions replaced by ε.
 * Rule of thumb: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 significant shift.
 */
export function psiFromCounts(referenceCounts: Distribution, currentCounts: Distribution, epsilon = DEFAULT_PSI_EPSILON): number {
  if (!(epsilon > 0)) throw new DriftInputException('INVALID_OPTION', `psi epsilon must be > 0, got ${epsilon}`);
  const [reference, current] = alignDistributions(referenceCounts, currentCounts, 'psi counts');
  const referenceTotal = sum(reference);
  const currentTotal = sum(current);
  if (referenceTotal === 0 || currentTotal === 0) throw new DriftInputException('EMPTY_INPUT', 'psi needs at least one count on each side');
  let psi = 0;
  for (let k = 0; k < reference.length; k++) {
    const r = reference[k] / referenceTotal || epsilon;
    const c = current[k] / currentTotal || epsilon;
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}

/**
 * PSI for numeric samples: bins cut at the reference's quantiles i/bins (duplicate cut points merged,
 * so a constant reference gives one bin per side of its value), bins (−∞, e₁], (e₁, e₂], …, (e_k, ∞).
 */
export function populationStabilityIndex(reference: readonly number[], current: readonly number[], options: PsiOptions = {}): number {
  const bins = options.bins ?? 10;
  if (!Number.isInteger(bins) || bins < 2) throw new DriftInputException('INVALID_OPTION', `psi bins must be an integer ≥ 2, got ${bins}`);
  assertSample(reference, 'psi reference');
  assertSample(current, 'psi current');
  const sorted = sortedCopy(reference);
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const edge = quantile(sorted, k / bins);
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return psiFromCounts(binCounts(reference, edges), binCounts(current, edges), options.epsilon);
}

/** Counts per bin; bin index = number of edges strictly below the value. */
function binCounts(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of values) {
    let low = 0;
    let high = edges.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (edges[mid] < value) low = mid + 1;
      else high = mid;
    }
    counts[low]++;
  }
  return counts;
}
