import { assertSample, sortedCopy } from './inputs';

/** Floor for the reference's standard deviation in `normedWasserstein` (Evidently uses the same 0.001). */
export const MIN_WASSERSTEIN_NORM = 0.001;

/** 1-D Wasserstein-1 (earth mover's) distance ∫ |F_a(x) − F_b(x)| dx over the merged sorted values (scipy.stats.wasserstein_distance). */
export function wassersteinDistance(a: readonly number[], b: readonly number[]): number {
  assertSample(a, 'wasserstein sample a');
  assertSample(b, 'wasserstein sample b');
  const sa = sortedCopy(a);
  const sb = sortedCopy(b);
  let i = 0;
  let j = 0;
  let total = 0;
  let previous = Math.min(sa[0], sb[0]);
  while (i < sa.length || j < sb.length) {
    const next = Math.min(i < sa.length ? sa[i] : Infinity, j < sb.length ? sb[j] : Infinity);
    total += (next - previous) * Math.abs(i / sa.length - j / sb.length);
    while (i < sa.length && sa[i] === next) i++;
    while (j < sb.length && sb[j] === next) j++;
    previous = next;
  }
  return total;
}

/** Population standard deviation √(Σ(x − x̄)² / n) (numpy `std`, ddof = 0). */
export function populationStd(values: readonly number[]): number {
  assertSample(values, 'std sample');
  const mean = values.reduce((acc, v) => acc + v, 0) / values.length;
  const variance = values.reduce((acc, v) => acc + (v - mean) * (v - mean), 0) / values.length;
  return Math.sqrt(variance);
}

/**
 * Evidently's 'wasserstein' stattest: W1(reference, current) / max(std(reference), 0.001).
 * A constant reference therefore divides by 0.001, so any shift of it reads as large drift.
 */
export function normedWasserstein(reference: readonly number[], current: readonly number[]): number {
  const distance = wassersteinDistance(reference, current);
  return distance / Math.max(populationStd(reference), MIN_WASSERSTEIN_NORM);
}
