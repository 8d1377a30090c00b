import type { EstimatedAccuracyResult } from '@sentiment-ops/contracts';
import { DriftInputException } from '../drift.errors';

/** A labelled prediction the estimator is calibrated on. */
export interface CalibrationRow {
  confidence: number;
  correct: boolean;
}

/** Histogram-binning calibration (Zadrozny & Elkan, 2001) of the model's confidence on labelled rows. */
export interface ConfidenceCalibration {
  /** Labelled accuracy of the calibration rows. */
  accuracy: number;
  meanConfidence: number;
  rows: number;
  /** Upper confidence bound of each bin but the last (equal-mass bins), ascending. */
  upperEdges: number[];
  /** Labelled accuracy of each bin: the calibrated confidence of a prediction falling in it. */
  binAccuracy: number[];
  /** Expected calibration error of the raw confidence on these rows (0 = already calibrated). */
  expectedCalibrationError: number;
}

const MIN_ROWS_PER_BIN = 30;

/**
 * Maps raw confidence to the accuracy observed at that confidence on labelled data, in up to
 * `maxBins` equal-mass bins of at least 30 rows. The mean calibrated confidence of unlabelled
 * predictions then estimates their accuracy, as long as the model is wrong in the same way at the
 * same confidence (covariate shift), which a raw confidence mean does not give for an over- or
 * under-confident model.
 */
export function calibrateConfidence(rows: readonly CalibrationRow[], maxBins = 10): ConfidenceCalibration {
  if (rows.length === 0) throw new DriftInputException('EMPTY_INPUT', 'calibration needs at least one labelled row');
  const sorted = [...rows].sort((a, b) => a.confidence - b.confidence);
  const bins = Math.max(1, Math.min(maxBins, Math.floor(sorted.length / MIN_ROWS_PER_BIN)));
  const upperEdges: number[] = [];
  const binAccuracy: number[] = [];
  let calibrationError = 0;
  for (let bin = 0; bin < bins; bin++) {
    const members = sorted.slice(Math.floor((bin * sorted.length) / bins), Math.floor(((bin + 1) * sorted.length) / bins));
    const accuracy = members.filter((row) => row.correct).length / members.length;
    const confidence = members.reduce((sum, row) => sum + row.confidence, 0) / members.length;
    calibrationError += (members.length / sorted.length) * Math.abs(accuracy - confidence);
    binAccuracy.push(accuracy);
    if (bin < bins - 1) upperEdges.push(members[members.length - 1].confidence);
  }
  return {
    accuracy: rows.filter((row) => row.correct).length / rows.length,
    meanConfidence: rows.reduce((sum, row) => sum + row.confidence, 0) / rows.length,
    rows: rows.length,
    upperEdges,
    binAccuracy,
    expectedCalibrationError: calibrationError,
  };
}

/** The calibrated confidence of one prediction: the accuracy of its bin (out-of-range values fall in the end bins). */
export function calibratedConfidence(confidence: number, calibration: ConfidenceCalibration): number {
  let bin = 0;
  while (bin < calibration.upperEdges.length && confidence > calibration.upperEdges[bin]) bin++;
  return calibration.binAccuracy[bin];
}

/** Estimated accuracy of unlabelled predictions: their mean calibrated confidence. */
export function estimateAccuracy(confidences: readonly number[], calibration: ConfidenceCalibration): number {
  if (confidences.length === 0) throw new DriftInputException('EMPTY_INPUT', 'no predictions to estimate accuracy on');
  return confidences.reduce((sum, confidence) => sum + calibratedConfidence(confidence, calibration), 0) / confidences.length;
}

const meanOrNull = (values: readonly number[]): number | null => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : null);

/** The report section: estimates for both windows and their difference, or why there are none. */
export function estimatedAccuracyDrift(
  calibration: (ConfidenceCalibration & { dataset: string; split: string }) | { unavailable: string },
  reference: readonly number[],
  current: readonly number[],
  options: { dropThreshold: number; minRows: number },
): EstimatedAccuracyResult {
  const meanConfidence = { reference: meanOrNull(reference), current: meanOrNull(current) };
  const base = { method: 'calibrated_confidence' as const, threshold: options.dropThreshold, meanConfidence };
  if ('unavailable' in calibration) {
    return { ...base, status: 'unavailable', reason: calibration.unavailable, calibration: null, reference: null, current: null, delta: null };
  }
  const calibrationSummary = {
    dataset: calibration.dataset,
    split: calibration.split,
    rows: calibration.rows,
    accuracy: calibration.accuracy,
    meanConfidence: calibration.meanConfidence,
    bins: calibration.binAccuracy.length,
    expectedCalibrationError: calibration.expectedCalibrationError,
  };
  if (reference.length < options.minRows || current.length < options.minRows) {
    const reason = `needs at least ${options.minRows} predictions per window (reference ${reference.length}, current ${current.length})`;
    return { ...base, status: 'insufficient_data', reason, calibration: calibrationSummary, reference: null, current: null, delta: null };
  }
  const referenceEstimate = estimateAccuracy(reference, calibration);
  const currentEstimate = estimateAccuracy(current, calibration);
  return { ...base, status: 'ok', reason: null, calibration: calibrationSummary, reference: referenceEstimate, current: currentEstimate, delta: currentEstimate - referenceEstimate };
}
