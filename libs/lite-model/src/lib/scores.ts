/**
 * The two scores early stopping needs. The full report (per-class precision/recall/F1) lives in
 * @sentiment-ops/evaluation, which this domain lib may not import; callers use that one.
 */
export interface SelectionScores {
  accuracy: number;
  /** Mean recall over all classes (TweetEval's official metric); an absent class counts 0. */
  macroRecall: number;
}

export const selectionScores = (truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): SelectionScores => {
  if (truth.length !== predicted.length) throw new Error(`${truth.length} labels but ${predicted.length} predictions`);
  const support = new Array<number>(classes).fill(0);
  const hits = new Array<number>(classes).fill(0);
  for (let i = 0; i < truth.length; i++) {
    support[truth[i]] += 1;
    if (truth[i] === predicted[i]) hits[truth[i]] += 1;
  }
  const correct = hits.reduce((a, b) => a + b, 0);
  return {
    accuracy: truth.length === 0 ? 0 : correct / truth.length,
    macroRecall: support.reduce((sum, n, c) => sum + (n === 0 ? 0 : hits[c] / n), 0) / classes,
  };
};
