/**
 * The scores early stopping needs. The full report (per-class precision/recall/F1, weighted
 * averages) lives in @sentiment-ops/evaluation, which this domain lib may not import; callers use that one.
 */
export interface SelectionScores {
  accuracy: number;
  /** Mean recall over all classes (TweetEval's official metric); an absent class counts 0. */
  macroRecall: number;
  /** Mean F1 over all classes; a class with no support and no predictions counts 0. */
  macroF1: number;
}

/** What early stopping maximises (`macroRecall` unless the hyper-parameters say otherwise). */
export type SelectionMetric = keyof SelectionScores;
export const SELECTION_METRICS: readonly SelectionMetric[] = ['macroRecall', 'macroF1', 'accuracy'];

export const selectionScores = (truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): SelectionScores => {
  if (truth.length !== predicted.length) throw new Error(`${truth.length} labels but ${predicted.length} predictions`);
  const support = new Array<number>(classes).fill(0);
  const hits = new Array<number>(classes).fill(0);
  const predictedCount = new Array<number>(classes).fill(0);
  for (let i = 0; i < truth.length; i++) {
    support[truth[i]] += 1;
    predictedCount[predicted[i]] += 1;
    if (truth[i] === predicted[i]) hits[truth[i]] += 1;
  }
  const correct = hits.reduce((a, b) => a + b, 0);
  // F1 = 2·TP / (support + predicted), 0 when both are 0
  const f1 = support.map((n, c) => (n + predictedCount[c] === 0 ? 0 : (2 * hits[c]) / (n + predictedCount[c])));
  return {
    accuracy: truth.length === 0 ? 0 : correct / truth.length,
    macroRecall: support.reduce((sum, n, c) => sum + (n === 0 ? 0 : hits[c] / n), 0) / classes,
    macroF1: f1.reduce((a, b) => a + b, 0) / classes,
  };
};
