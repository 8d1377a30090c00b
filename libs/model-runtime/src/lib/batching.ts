import type { Prediction, SentimentLabel, SentimentProbabilities } from '@sentiment-ops/contracts';

export interface SubBatchLimits {
  maxSubBatchSize: number;
  maxSubBatchTokens: number;
}

/**
 * Orders items by token length and cuts them into sub-batches, so each padded run wastes little
 * on padding. A sub-batch closes when it reaches `maxSubBatchSize` rows or when its padded size
 * (rows × longest row) would exceed `maxSubBatchTokens`. Returns item indices per sub-batch.
 */
export const planSubBatches = (lengths: readonly number[], limits: SubBatchLimits): number[][] => {
  const order = lengths.map((_, index) => index).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const plan: number[][] = [];
  let current: number[] = [];
  for (const index of order) {
    // Sorted ascending, so this item is the longest of the sub-batch if it joins.
    const paddedIfAdded = (current.length + 1) * lengths[index];
    if (current.length > 0 && (current.length >= limits.maxSubBatchSize || paddedIfAdded > limits.maxSubBatchTokens)) {
      plan.push(current);
      current = [];
    }
    current.push(index);
  }
  if (current.length > 0) plan.push(current);
  return plan;
};

/** Softmax in float64 (stable: max subtracted) and the arg-max label. */
export const softmaxPrediction = (logits: ArrayLike<number>, labels: readonly SentimentLabel[], tokens: number): Prediction => {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const exps = Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i] - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  const probabilities = { negative: 0, neutral: 0, positive: 0 } as SentimentProbabilities;
  let best = 0;
  exps.forEach((value, i) => {
    probabilities[labels[i]] = value / sum;
    if (value > exps[best]) best = i;
  });
  return { label: labels[best], confidence: exps[best] / sum, probabilities, tokens };
};

/**
 * transformers.js truncates by cutting the encoded row, which drops the closing special token
 * (`</s>`); Python transformers truncates the text and keeps it, and the model was trained that
 * way. Puts the end token back on rows cut at `maxLength`.
 */
export const restoreEndTokens = (rows: number[][], maxLength: number, endTokenId: number | undefined): number[][] => {
  if (endTokenId === undefined || endTokenId === null) return rows;
  for (const row of rows) {
    if (row.length >= maxLength && row[row.length - 1] !== endTokenId) row[row.length - 1] = endTokenId;
  }
  return rows;
};
