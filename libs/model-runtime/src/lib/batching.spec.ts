import { planSubBatches, restoreEndTokens, softmaxPrediction } from './batching';

describe('planSubBatches', () => {
  it('sorts by length and cuts on row count', () => {
    expect(planSubBatches([5, 1, 3, 2, 4], { maxSubBatchSize: 2, maxSubBatchTokens: 1000 })).toEqual([[1, 3], [2, 4], [0]]);
  });
  it('cuts when the padded size would exceed the token budget', () => {
    // 10+10 fits in 40 (2×10=20); adding 30 would pad to 3×30=90.
    expect(planSubBatches([10, 30, 10], { maxSubBatchSize: 8, maxSubBatchTokens: 40 })).toEqual([[0, 2], [1]]);
  });
  it('puts every item in exactly one sub-batch, even one longer than the budget', () => {
    const lengths = Array.from({ length: 50 }, (_, i) => (i * 37) % 23 + 1);
    const plan = planSubBatches([...lengths, 500], { maxSubBatchSize: 7, maxSubBatchTokens: 64 });
    expect(plan.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 51 }, (_, i) => i));
    expect(plan.at(-1)).toEqual([50]);
  });
});

describe('softmaxPrediction', () => {
  it('maps probabilities through the label order and picks the arg-max', () => {
    const prediction = softmaxPrediction([0, 2, 1], ['positive', 'negative', 'neutral'], 7);
    expect(prediction.label).toBe('negative');
    expect(prediction.probabilities.negative).toBeCloseTo(Math.exp(2) / (1 + Math.exp(2) + Math.exp(1)), 12);
    expect(prediction.confidence).toBe(prediction.probabilities.negative);
    expect(prediction.probabilities.positive + prediction.probabilities.negative + prediction.probabilities.neutral).toBeCloseTo(1, 12);
    expect(prediction.tokens).toBe(7);
  });
  it('is stable for large logits', () => {
    expect(softmaxPrediction([1000, 999, 0], ['negative', 'neutral', 'positive'], 3).probabilities.negative).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
  });
});

describe('restoreEndTokens', () => {
  it('puts the end token back on rows cut at the maximum length only', () => {
    const rows = [[0, 5, 6, 7], [0, 5, 2], [0, 5, 6, 2]];
    expect(restoreEndTokens(rows, 4, 2)).toEqual([[0, 5, 6, 2], [0, 5, 2], [0, 5, 6, 2]]);
  });
});
