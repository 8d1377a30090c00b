import type { Prediction, SentimentLabel } from '@sentiment-ops/contracts';
import { comparePredictions } from './prediction-agreement';

const prediction = (label: SentimentLabel, negative: number, neutral: number, positive: number): Prediction => ({
  label,
  confidence: Math.max(negative, neutral, positive),
  probabilities: { negative, neutral, positive },
  tokens: 5,
});

describe('comparePredictions', () => {
  it('counts label agreement and probability differences', () => {
    const reference = [prediction('negative', 0.7, 0.2, 0.1), prediction('positive', 0.1, 0.3, 0.6)];
    const candidate = [prediction('negative', 0.6, 0.3, 0.1), prediction('neutral', 0.1, 0.5, 0.4)];
    const agreement = comparePredictions(reference, candidate);
    expect(agreement.items).toBe(2);
    expect(agreement.labelAgreement).toBe(0.5);
    expect(agreement.maxAbsProbabilityDiff).toBeCloseTo(0.2);
    expect(agreement.meanAbsProbabilityDiff).toBeCloseTo((0.1 + 0.1 + 0 + 0 + 0.2 + 0.2) / 6);
  });

  it('is perfect for identical predictions and refuses mismatched lengths', () => {
    const same = [prediction('neutral', 0.2, 0.5, 0.3)];
    expect(comparePredictions(same, same)).toEqual({ items: 1, labelAgreement: 1, meanAbsProbabilityDiff: 0, maxAbsProbabilityDiff: 0 });
    expect(() => comparePredictions(same, [])).toThrow('cannot compare 1 predictions with 0');
  });
});
