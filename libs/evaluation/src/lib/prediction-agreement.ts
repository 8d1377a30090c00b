import { SENTIMENT_LABELS, type Prediction } from '@sentiment-ops/contracts';

export interface PredictionAgreement {
  items: number;
  /** Share of items where both give the same label. */
  labelAgreement: number;
  /** Mean and largest absolute difference of any class probability. */
  meanAbsProbabilityDiff: number;
  maxAbsProbabilityDiff: number;
}

/**
 * How far a variant of a model (e.g. its int8 quantisation) departs from the reference on the
 * same texts. Needs no labels, so it measures the cost of quantising even a model whose accuracy
 * means nothing (a fixture with random weights).
 */
export const comparePredictions = (reference: readonly Prediction[], candidate: readonly Prediction[]): PredictionAgreement => {
  if (reference.length !== candidate.length) throw new Error(`cannot compare ${reference.length} predictions with ${candidate.length}`);
  let same = 0;
  let diffSum = 0;
  let diffMax = 0;
  reference.forEach((ref, i) => {
    if (ref.label === candidate[i].label) same++;
    for (const label of SENTIMENT_LABELS) {
      const diff = Math.abs(ref.probabilities[label] - candidate[i].probabilities[label]);
      diffSum += diff;
      diffMax = Math.max(diffMax, diff);
    }
  });
  const items = reference.length;
  return {
    items,
    labelAgreement: items ? same / items : 1,
    meanAbsProbabilityDiff: items ? diffSum / (items * SENTIMENT_LABELS.length) : 0,
    maxAbsProbabilityDiff: diffMax,
  };
};
