import { DriftInputException } from './drift.errors';

/** A categorical distribution: counts or probabilities, by category name or by position. */
export type Distribution = Record<string, number> | readonly number[];

/** Rejects empty samples and NaN/±Infinity: a silent NaN would make every comparison "no drift". */
export function assertSample(values: readonly number[], name: string): void {
  if (values.length === 0) throw new DriftInputException('EMPTY_INPUT', `${name} is empty`);
  assertFinite(values, name);
}

export function assertFinite(values: readonly number[], name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new DriftInputException('NON_FINITE', `${name}[${i}] is ${values[i]}; only finite numbers are accepted`);
    }
  }
}

export function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((x, y) => x - y);
}

/**
 * Puts two distributions on the same category axis (union of keys, missing = 0; arrays must have
 * equal length). Rejects negative or non-finite entries. Totals may be 0: callers decide.
 */
export function alignDistributions(p: Distribution, q: Distribution, name = 'distribution'): [number[], number[], string[]] {
  let aligned: [number[], number[], string[]];
  if (Array.isArray(p) || Array.isArray(q)) {
    if (!Array.isArray(p) || !Array.isArray(q)) {
      throw new DriftInputException('LENGTH_MISMATCH', `${name}: cannot compare an array with a record`);
    }
    if (p.length !== q.length) {
      throw new DriftInputException('LENGTH_MISMATCH', `${name}: lengths differ (${p.length} vs ${q.length})`);
    }
    aligned = [[...p], [...q], p.map((_, i) => String(i))];
  } else {
    const pr = p as Record<string, number>;
    const qr = q as Record<string, number>;
    const keys = [...new Set([...Object.keys(pr), ...Object.keys(qr)])].sort();
    aligned = [keys.map((k) => pr[k] ?? 0), keys.map((k) => qr[k] ?? 0), keys];
  }
  for (const [values, side] of [
    [aligned[0], 'reference'],
    [aligned[1], 'current'],
  ] as const) {
    assertFinite(values, `${name} ${side}`);
    if (values.some((v) => v < 0)) throw new DriftInputException('NEGATIVE_COUNT', `${name} ${side} has a negative entry`);
  }
  return aligned;
}

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
