import { chiSquareTest } from './chi-square';
import { DriftInputException } from './drift.errors';
import { jensenShannonDistance } from './jensen-shannon';
import { populationStabilityIndex, psiFromCounts, quantile } from './population-stability';
import { chiSquareSurvival, logGamma, regularizedGammaP, regularizedGammaQ } from './special-functions';
import { normedWasserstein, wassersteinDistance } from './wasserstein';

describe('special functions', () => {
  it('logGamma matches factorials and Γ(½) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(6)).toBeCloseTo(Math.log(120), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 9);
  });

  it('regularizedGammaQ matches closed forms on both branches (series and continued fraction)', () => {
    for (const x of [0.1, 0.9, 2, 5, 30]) expect(regularizedGammaQ(1, x)).toBeCloseTo(Math.exp(-x), 14);
    // Q(2, x) = e^−x (1 + x)
    for (const x of [0.5, 2.5, 8]) expect(regularizedGammaQ(2, x)).toBeCloseTo(Math.exp(-x) * (1 + x), 14);
    expect(regularizedGammaQ(3, 0)).toBe(1);
    expect(regularizedGammaP(3, 0)).toBe(0);
    expect(regularizedGammaP(2.5, 1.7) + regularizedGammaQ(2.5, 1.7)).toBeCloseTo(1, 14);
    expect(() => regularizedGammaQ(0, 1)).toThrow(DriftInputException);
  });

  it('chi-square survival hits the textbook critical values (scipy chi2.sf)', () => {
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareSurvival(3.84, 1)).toBeCloseTo(0.05004352124870519, 12);
    expect(chiSquareSurvival(5.991, 2)).toBeCloseTo(0.05001161502657909, 12);
    expect(chiSquareSurvival(10, 5)).toBeCloseTo(0.07523524614651217, 12);
    expect(chiSquareSurvival(50.5, 40)).toBeCloseTo(0.12349983459578959, 11);
    expect(chiSquareSurvival(0.5, 3)).toBeCloseTo(0.9188914116546758, 12);
    expect(chiSquareSurvival(0, 4)).toBe(1);
  });
});

describe('wassersteinDistance / normedWasserstein', () => {
  it('matches scipy on fixed samples', () => {
    expect(wassersteinDistance([0, 1, 3], [5, 6, 8])).toBeCloseTo(5, 14);
    expect(wassersteinDistance([0, 1], [0, 1])).toBe(0);
    expect(wassersteinDistance([0, 1, 3, 3.5], [0.5, 2, 8])).toBeCloseTo(2.041666666666667, 14);
    expect(wassersteinDistance([5, 6, 8], [0, 1, 3])).toBeCloseTo(5, 14);
  });

  it('divides by the reference population std, floored at 0.001 for a constant reference', () => {
    // std([0, 1, 3]) = √(14/9)
    expect(normedWasserstein([0, 1, 3], [5, 6, 8])).toBeCloseTo(5 / Math.sqrt(14 / 9), 13);
    expect(normedWasserstein([2, 2, 2], [2, 2])).toBe(0);
    expect(normedWasserstein([2, 2, 2], [2.01, 2.01])).toBeCloseTo(0.01 / 0.001, 9);
  });

  it('rejects empty and non-finite samples', () => {
    expect(() => wassersteinDistance([], [1])).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
    expect(() => normedWasserstein([1, -Infinity], [1])).toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
  });
});

describe('chiSquareTest', () => {
  it('matches scipy.stats.chisquare for a fixed table (hand: 100/50 + 100/30 + 0 = 5.333…, p = e^{−χ²/2} at df 2)', () => {
    const result = chiSquareTest({ positive: 50, neutral: 30, negative: 20 }, { positive: 40, neutral: 40, negative: 20 });
    expect(result.statistic).toBeCloseTo(16 / 3, 13);
    expect(result.degreesOfFreedom).toBe(2);
    expect(result.pValue).toBeCloseTo(0.0694834512228015, 13);
    expect(result.pValue).toBeCloseTo(Math.exp(-8 / 3), 13);
  });

  it('scales expected counts to the current total and accepts aligned arrays', () => {
    const result = chiSquareTest([100, 60, 40], [40, 40, 20]);
    expect(result.statistic).toBeCloseTo(16 / 3, 13);
  });

  it('gives statistic 0 and p = 1 for proportional windows, and p = 1 at df 0 (one category)', () => {
    expect(chiSquareTest({ a: 10, b: 30 }, { a: 20, b: 60 })).toEqual({ statistic: 0, pValue: 1, degreesOfFreedom: 1 });
    expect(chiSquareTest({ a: 10 }, { a: 99 })).toEqual({ statistic: 0, pValue: 1, degreesOfFreedom: 0 });
  });

  it('reports an unseen current category as infinite statistic, p = 0', () => {
    const result = chiSquareTest({ a: 10, b: 10 }, { a: 5, b: 5, c: 1 });
    expect(result).toEqual({ statistic: Infinity, pValue: 0, degreesOfFreedom: 2 });
  });

  it('rejects empty windows, negative counts and mismatched arrays', () => {
    expect(() => chiSquareTest({}, { a: 1 })).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
    expect(() => chiSquareTest({ a: -1, b: 2 }, { a: 1 })).toThrow(expect.objectContaining({ code: 'NEGATIVE_COUNT' }));
    expect(() => chiSquareTest([1, 2], [1])).toThrow(expect.objectContaining({ code: 'LENGTH_MISMATCH' }));
    expect(() => chiSquareTest({ a: NaN }, { a: 1 })).toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
  });
});

describe('jensenShannonDistance', () => {
  it('is 0 for identical and 1 for disjoint distributions', () => {
    expect(jensenShannonDistance([0.2, 0.8], [0.2, 0.8])).toBe(0);
    expect(jensenShannonDistance({ a: 5 }, { b: 7 })).toBeCloseTo(1, 14);
  });

  it('matches scipy jensenshannon(base=2) on fixed distributions, normalising counts', () => {
    // JSD = ½·KL(p‖m) + ½·KL(q‖m) = 0.311278…, m = [0.75, 0.25]
    expect(jensenShannonDistance([0.5, 0.5], [1, 0])).toBeCloseTo(0.5579230452841438, 14);
    expect(jensenShannonDistance([0.5, 0.5], [1, 0]) ** 2).toBeCloseTo(0.311278124459133, 13);
    expect(jensenShannonDistance([2, 3, 5], [50, 30, 20])).toBeCloseTo(0.3095409536771482, 14);
    // Evidently's default (natural log) is √ln 2 times the base-2 distance.
    expect(jensenShannonDistance([0.5, 0.5], [1, 0], Math.E)).toBeCloseTo(0.5579230452841438 * Math.sqrt(Math.LN2), 14);
    expect(() => jensenShannonDistance([1], [1], 1)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('is symmetric and rejects a side without mass', () => {
    expect(jensenShannonDistance({ a: 1, b: 3 }, { a: 2, c: 2 })).toBeCloseTo(jensenShannonDistance({ a: 2, c: 2 }, { a: 1, b: 3 }), 15);
    expect(() => jensenShannonDistance([0, 0], [1, 1])).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
  });
});

describe('population stability index', () => {
  const term = (c: number, r: number): number => (c - r) * Math.log(c / r);

  it('psiFromCounts follows Σ (c − r)·ln(c / r), ε for empty categories', () => {
    expect(psiFromCounts({ a: 50, b: 30, c: 20 }, { a: 40, b: 40, c: 20 })).toBeCloseTo(term(0.4, 0.5) + term(0.4, 0.3), 14);
    expect(psiFromCounts({ a: 10, b: 10 }, { a: 20, b: 20 })).toBe(0);
    expect(psiFromCounts({ a: 10 }, { a: 5, b: 5 })).toBeCloseTo(term(0.5, 1) + term(0.5, 1e-4), 12);
    expect(psiFromCounts({ a: 10 }, { a: 5, b: 5 }, 1e-6)).toBeCloseTo(term(0.5, 1) + term(0.5, 1e-6), 12);
  });

  it('cuts numeric samples at reference quantiles (numpy linear interpolation)', () => {
    const reference = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(reference, 0.25)).toBeCloseTo(25.75, 12);
    // Bins (−∞, 25.75], (25.75, 50.5], (50.5, 75.25], (75.25, ∞): reference 25 % each.
    const shifted = Array.from({ length: 100 }, (_, i) => i + 51);
    const expected = 2 * term(1e-4, 0.25) + term(0.25, 0.25) + term(0.75, 0.25);
    expect(populationStabilityIndex(reference, shifted, { bins: 4 })).toBeCloseTo(expected, 12);
    expect(populationStabilityIndex(reference, [...reference].reverse())).toBe(0);
  });

  it('handles a constant reference (one cut point) and rejects bad options', () => {
    expect(populationStabilityIndex([3, 3, 3, 3], [3, 3])).toBe(0);
    expect(populationStabilityIndex([3, 3, 3, 3], [3, 4])).toBeCloseTo(term(0.5, 1) + term(0.5, 1e-4), 12);
    expect(() => populationStabilityIndex([1, 2], [1], { bins: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => populationStabilityIndex([], [1])).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
    expect(() => psiFromCounts({ a: 1 }, { a: 1 }, 0)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
