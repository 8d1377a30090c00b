import { SENTIMENT_LABELS, type SentimentLabel } from '@sentiment-ops/contracts';
import { classificationReport } from './classification-report';
import { ConfusionMatrix } from './confusion-matrix';
import { EvaluationErrorCode, EvaluationException } from './evaluation.errors';

// Deterministic pseudo-random labels (LCG), so the chunking test is reproducible.
const randomLabels = (count: number, seed: number): SentimentLabel[] => {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    return SENTIMENT_LABELS[state % 3];
  });
};

const expectCode = (fn: () => unknown, code: EvaluationErrorCode): void => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EvaluationException);
    expect((error as EvaluationException).code).toBe(code);
    return;
  }
  throw new Error(`expected an EvaluationException ${code}`);
};

describe('ConfusionMatrix', () => {
  it('counts rows as true labels and columns as predictions', () => {
    const matrix = new ConfusionMatrix()
      .add('negative', 'neutral')
      .add('negative', 'negative')
      .add('positive', 'neutral')
      .addMany(['neutral', 'positive'], ['neutral', 'positive']);
    expect(matrix.counts).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [0, 1, 1],
    ]);
    expect(matrix.total).toBe(5);
  });

  it('hands out a copy of its counts', () => {
    const matrix = new ConfusionMatrix().add('negative', 'negative');
    matrix.counts[0][0] = 99;
    expect(matrix.counts[0][0]).toBe(1);
  });

  it('scores chunk by chunk exactly like one shot', () => {
    const truth = randomLabels(1000, 1);
    const predicted = randomLabels(1000, 2);
    const chunked = new ConfusionMatrix();
    for (let start = 0; start < truth.length; start += 37) {
      chunked.addMany(truth.slice(start, start + 37), predicted.slice(start, start + 37));
    }
    const oneShot = classificationReport({ truth, predicted });
    expect(chunked.total).toBe(1000);
    expect(classificationReport(chunked)).toEqual(oneShot);
    // Chunks scored separately and merged give the same counts too.
    const merged = new ConfusionMatrix()
      .addMany(truth.slice(0, 500), predicted.slice(0, 500))
      .merge(new ConfusionMatrix().addMany(truth.slice(500), predicted.slice(500)));
    expect(merged.counts).toEqual(chunked.counts);
  });

  it('rejects mismatched lengths and unknown labels without counting anything', () => {
    const matrix = new ConfusionMatrix();
    expectCode(() => matrix.addMany(['negative', 'neutral'], ['negative']), EvaluationErrorCode.LengthMismatch);
    const bad = ['negative', 'sarcastic'] as unknown as SentimentLabel[];
    expectCode(() => matrix.addMany(['negative', 'neutral'], bad), EvaluationErrorCode.UnknownLabel);
    expectCode(() => matrix.add('angry' as SentimentLabel, 'neutral'), EvaluationErrorCode.UnknownLabel);
    expect(matrix.total).toBe(0);
  });

  it('round-trips stored counts and validates them', () => {
    const counts = [
      [3, 1, 0],
      [0, 2, 5],
      [1, 0, 4],
    ];
    expect(ConfusionMatrix.fromCounts(counts).counts).toEqual(counts);
    expectCode(() => ConfusionMatrix.fromCounts([[1, 2, 3]]), EvaluationErrorCode.InvalidCounts);
    expectCode(() => ConfusionMatrix.fromCounts([[1, 2, 3], [0, -1, 0], [0, 0, 0]]), EvaluationErrorCode.InvalidCounts);
    expectCode(() => ConfusionMatrix.fromCounts([[1, 2, 3], [0, 0.5, 0], [0, 0, 0]]), EvaluationErrorCode.InvalidCounts);
  });
});
