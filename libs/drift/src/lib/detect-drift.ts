import { chiSquareTest } from './chi-square';
import { DriftInputException } from './drift.errors';
import { alignDistributions, assertFinite, Distribution, sum } from './inputs';
import { jensenShannonDistance } from './jensen-shannon';
import { ksTwoSample } from './kolmogorov-smirnov';
import { populationStabilityIndex, psiFromCounts } from './population-stability';
import { normedWasserstein } from './wasserstein';

export type DriftTest = 'ks' | 'wasserstein' | 'chi_square' | 'jensen_shannon';

/**
 * One feature's verdict. `insufficient_data` carries no score and `drifted: undefined`: a window too
 * small to judge is never reported as "no drift".
 */
export interface FeatureDrift {
  test: DriftTest;
  status: 'ok' | 'insufficient_data';
  /** p-value for ks / chi_square (drift when < threshold), distance for wasserstein / jensen_shannon (drift when ≥ threshold). */
  score?: number;
  threshold: number;
  drifted?: boolean;
  /** Population stability index, reported alongside (not used for the verdict). */
  psi?: number;
  referenceRows: number;
  currentRows: number;
}

export interface DriftOptions {
  /** Reference rows up to which the p-value test is used (Evidently: 1000). */
  smallSampleThreshold?: number;
  /** Below this many rows on either side the verdict is `insufficient_data`. */
  minRows?: number;
}

export interface NumericDriftOptions extends DriftOptions {
  wassersteinThreshold?: number;
  ksAlpha?: number;
  psiBins?: number;
}

export interface CategoricalDriftOptions extends DriftOptions {
  jensenShannonThreshold?: number;
  /** Log base of the JS distance: 2 (default, bound 1) or Math.E to match Evidently's numbers. */
  jensenShannonBase?: number;
  chiSquareAlpha?: number;
}

const DEFAULTS = { smallSampleThreshold: 1000, minRows: 30, distanceThreshold: 0.1, alpha: 0.05 };

/** Numeric feature: two-sample KS (p < α) while the reference has ≤ smallSampleThreshold rows, normed Wasserstein (≥ 0.1) above. */
export function numericDrift(reference: readonly number[], current: readonly number[], options: NumericDriftOptions = {}): FeatureDrift {
  assertFinite(reference, 'numeric drift reference');
  assertFinite(current, 'numeric drift current');
  const small = reference.length <= (options.smallSampleThreshold ?? DEFAULTS.smallSampleThreshold);
  const test: DriftTest = small ? 'ks' : 'wasserstein';
  const threshold = small ? (options.ksAlpha ?? DEFAULTS.alpha) : (options.wassersteinThreshold ?? DEFAULTS.distanceThreshold);
  const base = { test, threshold, referenceRows: reference.length, currentRows: current.length };
  if (tooSmall(reference.length, current.length, options)) return { ...base, status: 'insufficient_data', drifted: undefined };
  const psi = populationStabilityIndex(reference, current, { bins: options.psiBins });
  if (small) {
    const { pValue } = ksTwoSample(reference, current);
    return { ...base, status: 'ok', score: pValue, drifted: pValue < threshold, psi };
  }
  const distance = normedWasserstein(reference, current);
  return { ...base, status: 'ok', score: distance, drifted: distance >= threshold, psi };
}

/** Categorical feature (counts per label): chi-square (p < α) while the reference has ≤ smallSampleThreshold rows, JS distance (≥ 0.1) above. */
export function categoricalDrift(referenceCounts: Distribution, currentCounts: Distribution, options: CategoricalDriftOptions = {}): FeatureDrift {
  const [reference, current] = alignDistributions(referenceCounts, currentCounts, 'categorical drift counts');
  const referenceRows = sum(reference);
  const currentRows = sum(current);
  const small = referenceRows <= (options.smallSampleThreshold ?? DEFAULTS.smallSampleThreshold);
  const test: DriftTest = small ? 'chi_square' : 'jensen_shannon';
  const threshold = small ? (options.chiSquareAlpha ?? DEFAULTS.alpha) : (options.jensenShannonThreshold ?? DEFAULTS.distanceThreshold);
  const base = { test, threshold, referenceRows, currentRows };
  if (tooSmall(referenceRows, currentRows, options)) return { ...base, status: 'insufficient_data', drifted: undefined };
  const psi = psiFromCounts(reference, current);
  if (small) {
    const { pValue } = chiSquareTest(reference, current);
    return { ...base, status: 'ok', score: pValue, drifted: pValue < threshold, psi };
  }
  const distance = jensenShannonDistance(reference, current, options.jensenShannonBase);
  return { ...base, status: 'ok', score: distance, drifted: distance >= threshold, psi };
}

export interface DatasetDrift {
  status: 'ok' | 'insufficient_data';
  /** True when driftedShare ≥ share; undefined when no feature could be judged. */
  drifted?: boolean;
  share: number;
  /** Drifted features / judged features. */
  driftedShare?: number;
  driftedFeatures: string[];
  judgedFeatures: number;
  insufficientFeatures: string[];
}

/**
 * Dataset-level drift (Evidently DatasetDriftMetric): drifted when at least `share` of the judged
 * features drifted. Features with insufficient data are listed, not counted as "no drift".
 */
export function datasetDrift(features: Record<string, FeatureDrift>, share = 0.5): DatasetDrift {
  if (!(share > 0 && share <= 1)) throw new DriftInputException('INVALID_OPTION', `dataset drift share must be in (0, 1], got ${share}`);
  const names = Object.keys(features).sort();
  const judged = names.filter((name) => features[name].status === 'ok');
  const insufficientFeatures = names.filter((name) => features[name].status !== 'ok');
  const driftedFeatures = judged.filter((name) => features[name].drifted === true);
  if (judged.length === 0) {
    return { status: 'insufficient_data', drifted: undefined, share, driftedFeatures, judgedFeatures: 0, insufficientFeatures };
  }
  const driftedShare = driftedFeatures.length / judged.length;
  return { status: 'ok', drifted: driftedShare >= share, share, driftedShare, driftedFeatures, judgedFeatures: judged.length, insufficientFeatures };
}

function tooSmall(referenceRows: number, currentRows: number, options: DriftOptions): boolean {
  const minRows = options.minRows ?? DEFAULTS.minRows;
  return referenceRows < minRows || currentRows < minRows || referenceRows === 0 || currentRows === 0;
}
