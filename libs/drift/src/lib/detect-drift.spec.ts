import { categoricalDrift, datasetDrift, FeatureDrift, numericDrift } from './detect-drift';
import { jensenShannonDistance } from './jensen-shannon';
import { ksTwoSample } from './kolmogorov-smirnov';
import { normedWasserstein } from './wasserstein';

const range = (length: number, start = 0, step = 1): number[] => Array.from({ length }, (_, i) => start + i * step);

describe('numericDrift', () => {
  it('uses KS (p < 0.05) while the reference has ≤ 1000 rows', () => {
    const reference = range(200, 0, 0.005);
    const same = numericDrift(reference, range(100, 0.0025, 0.01));
    expect(same).toMatchObject({ test: 'ks', status: 'ok', threshold: 0.05, drifted: false, referenceRows: 200, currentRows: 100 });
    const shifted = numericDrift(reference, range(100, 0.5, 0.01));
    expect(shifted).toMatchObject({ test: 'ks', status: 'ok', drifted: true });
    expect(shifted.score).toBeCloseTo(ksTwoSample(reference, range(100, 0.5, 0.01)).pValue, 15);
    expect(shifted.psi).toBeGreaterThan(0.25);
  });

  it('uses normed Wasserstein (≥ 0.1) above 1000 reference rows', () => {
    const reference = range(2000, 0, 0.0005);
    const slightly = range(500, 0.02, 0.002);
    const small = numericDrift(reference, slightly);
    expect(small).toMatchObject({ test: 'wasserstein', status: 'ok', threshold: 0.1, drifted: false });
    expect(small.score).toBeCloseTo(normedWasserstein(reference, slightly), 15);
    expect(numericDrift(reference, range(500, 0.2, 0.002))).toMatchObject({ test: 'wasserstein', drifted: true });
  });

  it('gives score 0 / p 1 and no drift for identical windows', () => {
    const window = range(50, 1);
    expect(numericDrift(window, window)).toMatchObject({ status: 'ok', score: 1, drifted: false, psi: 0 });
  });

  it('reports too-small or empty windows as insufficient_data, never as "no drift"', () => {
    const result = numericDrift(range(500), range(29));
    expect(result).toEqual({ test: 'ks', threshold: 0.05, status: 'insufficient_data', drifted: undefined, referenceRows: 500, currentRows: 29 });
    expect(numericDrift([], [])).toMatchObject({ status: 'insufficient_data', drifted: undefined });
    expect(numericDrift(range(10), range(10), { minRows: 5 })).toMatchObject({ status: 'ok', drifted: false });
  });

  it('handles one-sided windows (a single repeated value)', () => {
    const constant = new Array<number>(100).fill(0.9);
    expect(numericDrift(constant, constant)).toMatchObject({ status: 'ok', drifted: false });
    expect(numericDrift(constant, new Array<number>(100).fill(0.3))).toMatchObject({ test: 'ks', drifted: true, score: expect.any(Number) });
    const wide = new Array<number>(1500).fill(0.9);
    expect(numericDrift(wide, new Array<number>(100).fill(0.901))).toMatchObject({ test: 'wasserstein', drifted: true });
  });

  it('rejects NaN and Infinity even in small windows', () => {
    expect(() => numericDrift([1, NaN], [1])).toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
    expect(() => numericDrift(range(50), [...range(49), Infinity])).toThrow(/numeric drift current\[49\] is Infinity/);
  });
});

describe('categoricalDrift', () => {
  it('uses chi-square (p < 0.05) while the reference has ≤ 1000 rows', () => {
    const reference = { positive: 50, neutral: 30, negative: 20 };
    expect(categoricalDrift(reference, { positive: 40, neutral: 40, negative: 20 })).toMatchObject({
      test: 'chi_square',
      status: 'ok',
      threshold: 0.05,
      drifted: false,
      referenceRows: 100,
      currentRows: 100,
    });
    expect(categoricalDrift(reference, { positive: 20, neutral: 30, negative: 50 })).toMatchObject({ test: 'chi_square', drifted: true });
  });

  it('uses Jensen-Shannon distance (≥ 0.1) above 1000 rows and reports PSI', () => {
    const reference = { positive: 500, neutral: 300, negative: 200, irrelevant: 1 };
    const current = { positive: 75, neutral: 15, negative: 10 };
    const result = categoricalDrift(reference, current);
    expect(result).toMatchObject({ test: 'jensen_shannon', status: 'ok', threshold: 0.1, drifted: true });
    expect(result.score).toBeCloseTo(jensenShannonDistance(reference, current), 15);
    expect(result.psi).toBeGreaterThan(0);
    expect(categoricalDrift(reference, { positive: 50, neutral: 30, negative: 20 })).toMatchObject({ drifted: false });
  });

  it('handles identical, one-sided and too-small windows', () => {
    expect(categoricalDrift({ a: 40 }, { a: 40 })).toMatchObject({ status: 'ok', score: 1, drifted: false, psi: 0 });
    expect(categoricalDrift({ a: 40 }, { b: 40 })).toMatchObject({ status: 'ok', score: 0, drifted: true });
    expect(categoricalDrift({ a: 40 }, { a: 10 })).toMatchObject({ status: 'insufficient_data', drifted: undefined });
    expect(categoricalDrift({}, {})).toMatchObject({ status: 'insufficient_data', drifted: undefined });
  });
});

describe('datasetDrift', () => {
  const feature = (drifted: boolean | undefined): FeatureDrift => ({
    test: 'ks',
    status: drifted === undefined ? 'insufficient_data' : 'ok',
    threshold: 0.05,
    drifted,
    referenceRows: 100,
    currentRows: drifted === undefined ? 3 : 100,
  });

  it('drifts when at least half of the judged features drift', () => {
    expect(datasetDrift({ a: feature(true), b: feature(false) })).toMatchObject({ status: 'ok', drifted: true, driftedShare: 0.5, driftedFeatures: ['a'] });
    expect(datasetDrift({ a: feature(true), b: feature(false), c: feature(false) })).toMatchObject({ drifted: false });
    expect(datasetDrift({ a: feature(true), b: feature(false), c: feature(false) }, 0.3)).toMatchObject({ drifted: true });
  });

  it('lists insufficient features and is insufficient itself when nothing could be judged', () => {
    expect(datasetDrift({ a: feature(false), b: feature(undefined) })).toMatchObject({ drifted: false, judgedFeatures: 1, insufficientFeatures: ['b'] });
    expect(datasetDrift({ a: feature(undefined) })).toMatchObject({ status: 'insufficient_data', drifted: undefined });
    expect(datasetDrift({})).toMatchObject({ status: 'insufficient_data', drifted: undefined });
    expect(() => datasetDrift({}, 0)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
