import fc from 'fast-check';
import { DriftInputException } from './drift.errors';
import { ksTwoSample } from './kolmogorov-smirnov';
import { kolmogorovSurvival } from './special-functions';

/** D by direct ECDF evaluation at every pooled value: independent of the implementation's merge walk. */
function ecdfDistance(a: readonly number[], b: readonly number[]): number {
  let best = 0;
  for (const x of [...a, ...b]) {
    const fa = a.filter((v) => v <= x).length / a.length;
    const fb = b.filter((v) => v <= x).length / b.length;
    best = Math.max(best, Math.abs(fa - fb));
  }
  return best;
}

/** Permutation p-value: share of all C(n+m, n) splits of the pooled values with D ≥ observed. */
function enumeratedPValue(a: readonly number[], b: readonly number[]): number {
  const pooled = [...a, ...b];
  const observed = ecdfDistance(a, b);
  let total = 0;
  let atLeast = 0;
  const pick = (start: number, chosen: number[]): void => {
    if (chosen.length === a.length) {
      const left = chosen.map((i) => pooled[i]);
      const right = pooled.filter((_, i) => !chosen.includes(i));
      total++;
      if (ecdfDistance(left, right) >= observed - 1e-12) atLeast++;
      return;
    }
    for (let i = start; i < pooled.length; i++) pick(i + 1, [...chosen, i]);
  };
  pick(0, []);
  return atLeast / total;
}

describe('ksTwoSample', () => {
  it('gives D = 0 and p = 1 for identical samples', () => {
    expect(ksTwoSample([3, 1, 2, 2], [2, 1, 3, 2])).toEqual({ statistic: 0, pValue: 1, method: 'exact' });
  });

  it('matches scipy for disjoint samples: D = 1, p = 2 / C(10, 5)', () => {
    const result = ksTwoSample([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(result.statistic).toBe(1);
    expect(result.pValue).toBeCloseTo(0.007936507936507936, 15);
    expect(result.method).toBe('exact');
  });

  it('matches scipy and full enumeration on a fixed unequal pair', () => {
    const a = [0.1, 0.4, 0.7];
    const b = [0.2, 0.5, 0.8, 0.9];
    const result = ksTwoSample(a, b);
    expect(result.statistic).toBeCloseTo(0.5, 15);
    expect(result.pValue).toBeCloseTo(0.6571428571428571, 14); // scipy 1.17 ks_2samp
    expect(result.pValue).toBeCloseTo(enumeratedPValue(a, b), 14);
  });

  it('matches scipy exact p on 25 vs 20 samples and on 100 vs 100 (n·m = 10,000, tiny p)', () => {
    const a = [0.61, 0.29, 0.06, 0.59, -1.73, -0.74, 0.51, -0.56, 0.39, 1.64, 0.05, -0.06, 0.64, -0.82, 0.37, 1.77, 1.09, -1.28, 2.36, 1.31, 1.05, -0.52, -0.74, 0.71, 1.5];
    const b = [1.21, 0.66, 0.57, 1.73, 1.19, -0.28, 1.44, 0.65, 2.1, 0.18, 1.0, 2.5, 0.08, 1.65, 0.49, 1.96, 0.35, 0.9, 1.55, 1.13];
    const small = ksTwoSample(a, b);
    expect(small.statistic).toBeCloseTo(0.38, 14);
    expect(small.pValue).toBeCloseTo(0.06219000346274806, 12);

    const x = Array.from({ length: 100 }, (_, i) => i / 200);
    const y = Array.from({ length: 100 }, (_, i) => 0.15 + (i / 150) * 0.9);
    const large = ksTwoSample(x, y);
    expect(large.method).toBe('exact');
    expect(large.statistic).toBeCloseTo(0.42, 14);
    expect(large.pValue / 2.749465483696122e-8).toBeCloseTo(1, 9);
  });

  it('switches to the asymptotic Kolmogorov distribution above n·m = 10,000', () => {
    const x = Array.from({ length: 200 }, (_, i) => i / 200);
    const y = Array.from({ length: 150 }, (_, i) => 0.15 + (i / 150) * 0.9);
    const result = ksTwoSample(x, y);
    expect(result.method).toBe('asymptotic');
    expect(result.statistic).toBeCloseTo(0.15333333333333335, 14);
    // scipy kstwobign.sf(sqrt(200·150/350) · D); ks_2samp itself now uses kstwo(round(en)) and gives 0.0313.
    expect(result.pValue).toBeCloseTo(0.0355315367642237, 10);
    expect(ksTwoSample(x, y, { method: 'exact' }).method).toBe('exact');
  });

  it('is conservative with ties (p ≥ the permutation p) and matches scipy on a tied pair', () => {
    const a = [1, 1, 2, 2, 3];
    const b = [2, 3, 3, 4, 4, 4];
    const result = ksTwoSample(a, b);
    expect(result.statistic).toBeCloseTo(0.6333333333333333, 14);
    expect(result.pValue).toBeCloseTo(0.17748917748917747, 14);
    expect(result.pValue).toBeGreaterThanOrEqual(enumeratedPValue(a, b) - 1e-12);
  });

  it('equals full enumeration for any small sample without ties, and bounds it with ties', () => {
    const sample = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const { statistic, pValue } = ksTwoSample(a, b);
        expect(statistic).toBeCloseTo(ecdfDistance(a, b), 12);
        const enumerated = enumeratedPValue(a, b);
        const tied = new Set([...a, ...b]).size < a.length + b.length;
        if (tied) expect(pValue).toBeGreaterThanOrEqual(enumerated - 1e-12);
        else expect(pValue).toBeCloseTo(enumerated, 12);
      }),
      { numRuns: 150 },
    );
  });

  it('rejects empty and non-finite samples', () => {
    expect(() => ksTwoSample([], [1])).toThrow(DriftInputException);
    expect(() => ksTwoSample([1, NaN], [1])).toThrow(/ks sample a\[1\] is NaN/);
    expect(() => ksTwoSample([1], [Infinity])).toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
  });
});

describe('kolmogorovSurvival', () => {
  it('matches scipy kstwobign.sf on both series branches', () => {
    expect(kolmogorovSurvival(0.5)).toBeCloseTo(0.963945244, 8);
    expect(kolmogorovSurvival(1)).toBeCloseTo(0.269999672, 8);
    expect(kolmogorovSurvival(1.36)).toBeCloseTo(0.0494858768, 9);
    expect(kolmogorovSurvival(2)).toBeCloseTo(6.70925256e-4, 11);
    expect(kolmogorovSurvival(0)).toBe(1);
  });
});
