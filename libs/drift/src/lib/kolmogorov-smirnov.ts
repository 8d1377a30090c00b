import { assertSample, sortedCopy } from './inputs';
import { kolmogorovSurvival } from './special-functions';

export interface KsResult {
  /** D = sup_x |F_a(x) − F_b(x)|, in [0, 1]. */
  statistic: number;
  /** Two-sided p-value of H0 "same continuous distribution". */
  pValue: number;
  method: 'exact' | 'asymptotic';
}

export interface KsOptions {
  /** 'auto' (default) is exact while n·m ≤ `exactLimit`, asymptotic above. */
  method?: 'auto' | 'exact' | 'asymptotic';
  /** The exact recursion costs O(n·m) time; 10,000 keeps it under a millisecond. */
  exactLimit?: number;
}

/**
 * Two-sample two-sided Kolmogorov–Smirnov test (scipy.stats.ks_2samp, alternative='two-sided').
 * Exact p from the lattice-path recursion (Hodges 1958); asymptotic p = Q_KS(√(nm/(n+m))·D).
 * Ties: the exact p assumes a continuous distribution (as scipy does), which is conservative: ties
 * can only lower D, so the reported p is ≥ the true permutation p-value.
 */
export function ksTwoSample(a: readonly number[], b: readonly number[], options: KsOptions = {}): KsResult {
  assertSample(a, 'ks sample a');
  assertSample(b, 'ks sample b');
  const n = a.length;
  const m = b.length;
  const scaled = scaledStatistic(sortedCopy(a), sortedCopy(b));
  const statistic = scaled / (n * m);
  const mode = options.method ?? 'auto';
  const exact = mode === 'exact' || (mode === 'auto' && n * m <= (options.exactLimit ?? 10_000));
  if (exact) return { statistic, pValue: exactPValue(n, m, scaled), method: 'exact' };
  const effectiveN = (n * m) / (n + m);
  return { statistic, pValue: kolmogorovSurvival(Math.sqrt(effectiveN) * statistic), method: 'asymptotic' };
}

/** n·m·D as an integer: max over tie-group ends of |i·m − j·n| (integers avoid float ties at the boundary). */
function scaledStatistic(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let best = 0;
  while (i < n || j < m) {
    const next = Math.min(i < n ? a[i] : Infinity, j < m ? b[j] : Infinity);
    while (i < n && a[i] === next) i++;
    while (j < m && b[j] === next) j++;
    best = Math.max(best, Math.abs(i * m - j * n));
  }
  return best;
}

/**
 * P(D ≥ d) over all C(n+m, n) equally likely merge orders: walk the lattice from (0,0) to (n,m),
 * carrying the probability of arriving at (i,j) without having touched |i·m − j·n| ≥ d·n·m, and sum
 * the probability that first enters that region. Summing exits (not 1 − stays) keeps tiny p precise.
 */
function exactPValue(n: number, m: number, scaled: number): number {
  if (scaled === 0) return 1;
  let previous = new Float64Array(m + 1);
  let current = new Float64Array(m + 1);
  let exit = 0;
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      let arriving: number;
      if (i === 0 && j === 0) arriving = 1;
      else {
        arriving = 0;
        // Step probabilities of a uniformly random path: remaining a's vs remaining b's.
        if (i > 0) arriving += (previous[j] * (n - i + 1)) / (n - i + 1 + m - j);
        if (j > 0) arriving += (current[j - 1] * (m - j + 1)) / (n - i + m - j + 1);
      }
      if (Math.abs(i * m - j * n) >= scaled) {
        exit += arriving;
        current[j] = 0;
      } else {
        current[j] = arriving;
      }
    }
    [previous, current] = [current, previous];
  }
  return Math.min(1, exit);
}
