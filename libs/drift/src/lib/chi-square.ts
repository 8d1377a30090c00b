import { DriftInputException } from './drift.errors';
import { alignDistributions, Distribution, sum } from './inputs';
import { chiSquareSurvival } from './special-functions';

export interface ChiSquareResult {
  /** Σ (O − E)² / E; Infinity when the current window has a category the reference never saw. */
  statistic: number;
  pValue: number;
  /** Categories seen in either window, minus one. */
  degreesOfFreedom: number;
}

/**
 * Goodness of fit of the current counts against the reference proportions (Evidently 'chisquare':
 * E_k = ref_k · n_cur / n_ref, scipy.stats.chisquare). p = Q((k−1)/2, χ²/2).
 * Categories absent from both windows are dropped; a single category gives df = 0 and p = 1.
 */
export function chiSquareTest(referenceCounts: Distribution, currentCounts: Distribution): ChiSquareResult {
  const [reference, current] = alignDistributions(referenceCounts, currentCounts, 'chi-square counts');
  const referenceTotal = sum(reference);
  const currentTotal = sum(current);
  if (referenceTotal === 0 || currentTotal === 0) {
    throw new DriftInputException('EMPTY_INPUT', 'chi-square needs at least one count on each side');
  }
  const scale = currentTotal / referenceTotal;
  let statistic = 0;
  let categories = 0;
  for (let k = 0; k < reference.length; k++) {
    if (reference[k] === 0 && current[k] === 0) continue;
    categories++;
    const expected = reference[k] * scale;
    statistic += expected === 0 ? Infinity : ((current[k] - expected) * (current[k] - expected)) / expected;
  }
  const degreesOfFreedom = categories - 1;
  if (degreesOfFreedom === 0) return { statistic: 0, pValue: 1, degreesOfFreedom };
  return { statistic, pValue: chiSquareSurvival(statistic, degreesOfFreedom), degreesOfFreedom };
}
