import type { SentimentLabel } from '@sentiment-ops/contracts';
import { classificationReport, type ZeroDivision } from './classification-report';
import { ConfusionMatrix } from './confusion-matrix';
import { EvaluationErrorCode, EvaluationException } from './evaluation.errors';

// Builds label arrays from a 3×3 count matrix (rows true, columns predicted).
const fromCounts = (counts: number[][]): { truth: SentimentLabel[]; predicted: SentimentLabel[] } => {
  const labels: SentimentLabel[] = ['negative', 'neutral', 'positive'];
  const truth: SentimentLabel[] = [];
  const predicted: SentimentLabel[] = [];
  counts.forEach((row, t) =>
    row.forEach((n, p) => {
      for (let i = 0; i < n; i += 1) {
        truth.push(labels[t]);
        predicted.push(labels[p]);
      }
    }),
  );
  return { truth, predicted };
};

// Compares the named numeric fields to 12 decimals, naming the field on failure.
const expectClose = (actual: object, expected: Record<string, number>): void => {
  const fields = actual as Record<string, unknown>;
  for (const [key, value] of Object.entries(expected)) {
    expect([key, fields[key]]).toEqual([key, expect.closeTo(value, 12)]);
  }
};

describe('classificationReport', () => {
  it('matches a hand-computed three-class case', () => {
    //            pred: neg neu pos   support
    // true neg        [ 4,  1,  0 ]  5
    // true neu        [ 2,  3,  1 ]  6
    // true pos        [ 0,  1,  2 ]  3
    // predicted        6    5   3    14 rows, 4+3+2 = 9 correct
    const counts = [
      [4, 1, 0],
      [2, 3, 1],
      [0, 1, 2],
    ];
    const report = classificationReport(fromCounts(counts));
    expect(report.samples).toBe(14);
    expect(report.confusionMatrix).toEqual(counts);
    expect(report.zeroDivision).toBe(0);
    // negative: P = 4/6, R = 4/5, F1 = 2·4 / (5 + 6) = 8/11
    expectClose(report.perClass.negative, { precision: 4 / 6, recall: 4 / 5, f1: 8 / 11, support: 5 });
    // neutral: P = 3/5, R = 3/6, F1 = 2·3 / (6 + 5) = 6/11
    expectClose(report.perClass.neutral, { precision: 3 / 5, recall: 3 / 6, f1: 6 / 11, support: 6 });
    // positive: P = 2/3, R = 2/3, F1 = 2·2 / (3 + 3) = 2/3
    expectClose(report.perClass.positive, { precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 });
    expectClose(
      report,
      {
        accuracy: 9 / 14,
        macroPrecision: 29 / 45, // (2/3 + 3/5 + 2/3) / 3 = (29/15) / 3
        macroRecall: 59 / 90, // (4/5 + 1/2 + 2/3) / 3 = (59/30) / 3
        macroF1: 64 / 99, // (8/11 + 6/11 + 2/3) / 3 = (64/33) / 3
        weightedPrecision: 67 / 105, // (5·2/3 + 6·3/5 + 3·2/3) / 14 = (134/15) / 14
        weightedRecall: 9 / 14, // (5·4/5 + 6·1/2 + 3·2/3) / 14 = 9/14, always equals accuracy
        weightedF1: 7 / 11, // (5·8/11 + 6·6/11 + 3·2/3) / 14 = (98/11) / 14
      },
    );
  });

  it('keeps a class absent from truth and predictions in the macro averages', () => {
    // truth neg,neg,neu,neu / predicted neg,neu,neu,neu: positive never appears.
    // [[1,1,0],[0,2,0],[0,0,0]], 3 of 4 correct
    const input = { truth: ['negative', 'negative', 'neutral', 'neutral'], predicted: ['negative', 'neutral', 'neutral', 'neutral'] } as const;
    const report = classificationReport({ truth: [...input.truth], predicted: [...input.predicted] });
    // negative: P = 1/1, R = 1/2, F1 = 2·1 / (2 + 1) = 2/3; neutral: P = 2/3, R = 2/2, F1 = 2·2 / (2 + 3) = 4/5
    expect(report.perClass.positive).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expectClose(
      report,
      {
        accuracy: 3 / 4,
        macroPrecision: 5 / 9, // (1 + 2/3 + 0) / 3, not (1 + 2/3) / 2 as the reference reported
        macroRecall: 1 / 2, // (1/2 + 1 + 0) / 3, the reference reported 3/4
        macroF1: 22 / 45, // (2/3 + 4/5 + 0) / 3
        weightedPrecision: 5 / 6, // (2·1 + 2·2/3 + 0·0) / 4
        weightedRecall: 3 / 4,
        weightedF1: 11 / 15, // (2·2/3 + 2·4/5) / 4 = (44/15) / 4
      },
    );

    // zeroDivision = 1: the absent class scores 1 everywhere; weighted averages ignore it (support 0).
    const lenient = classificationReport({ truth: [...input.truth], predicted: [...input.predicted] }, { zeroDivision: 1 });
    expect(lenient.perClass.positive).toEqual({ precision: 1, recall: 1, f1: 1, support: 0 });
    expect(lenient.zeroDivision).toBe(1);
    expectClose(
      lenient,
      {
        macroPrecision: 8 / 9, // (1 + 2/3 + 1) / 3
        macroRecall: 5 / 6, // (1/2 + 1 + 1) / 3
        macroF1: 37 / 45, // (2/3 + 4/5 + 1) / 3
        weightedPrecision: 5 / 6,
        weightedF1: 11 / 15,
      },
    );
  });

  it.each<[ZeroDivision, number, number]>([
    // [zeroDivision, macroPrecision, weightedPrecision]
    [0, 1 / 12, 1 / 16], // P = (0 + 1/4 + 0) / 3; weighted (1·0 + 1·1/4 + 2·0) / 4
    [1, 3 / 4, 13 / 16], // P = (1 + 1/4 + 1) / 3; weighted (1·1 + 1·1/4 + 2·1) / 4
  ])('handles every prediction being one class (zeroDivision=%s)', (zeroDivision, macroPrecision, weightedPrecision) => {
    // truth neg,neu,pos,pos, all predicted neutral: [[0,1,0],[0,1,0],[0,2,0]]
    const report = classificationReport(fromCounts([[0, 1, 0], [0, 1, 0], [0, 2, 0]]), { zeroDivision });
    // negative and positive are never predicted (precision = zeroDivision) but have true rows:
    // recall 0 and F1 = 2·0 / (support + 0) = 0 whatever zeroDivision is.
    expect(report.perClass.negative).toEqual({ precision: zeroDivision, recall: 0, f1: 0, support: 1 });
    expect(report.perClass.positive).toEqual({ precision: zeroDivision, recall: 0, f1: 0, support: 2 });
    // neutral: P = 1/4, R = 1/1, F1 = 2·1 / (1 + 4) = 2/5
    expectClose(report.perClass.neutral, { precision: 1 / 4, recall: 1, f1: 2 / 5, support: 1 });
    expectClose(
      report,
      {
        accuracy: 1 / 4,
        macroPrecision,
        macroRecall: 1 / 3, // (0 + 1 + 0) / 3
        macroF1: 2 / 15, // (0 + 2/5 + 0) / 3
        weightedPrecision,
        weightedRecall: 1 / 4,
        weightedF1: 1 / 10, // (1·0 + 1·2/5 + 2·0) / 4
      },
    );
  });

  it('scores F1 = 0, not zeroDivision, for a class that is present but never right', () => {
    // truth neg,pos / predicted pos,neg: [[0,0,1],[0,0,0],[1,0,0]]. negative: P = 0/1, R = 0/1,
    // so P + R = 0 but nothing was divided by zero: F1 = 2·0 / (1 + 1) = 0 even with zeroDivision = 1.
    const report = classificationReport({ truth: ['negative', 'positive'], predicted: ['positive', 'negative'] }, { zeroDivision: 1 });
    expect(report.perClass.negative).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(report.perClass.neutral).toEqual({ precision: 1, recall: 1, f1: 1, support: 0 });
    expect(report.macroF1).toBeCloseTo(1 / 3, 12);
    expect(report.accuracy).toBe(0);
  });

  it('scores perfect predictions as 1 everywhere', () => {
    const counts = [
      [2, 0, 0],
      [0, 3, 0],
      [0, 0, 1],
    ];
    const report = classificationReport(ConfusionMatrix.fromCounts(counts));
    for (const metrics of Object.values(report.perClass)) {
      expect([metrics.precision, metrics.recall, metrics.f1]).toEqual([1, 1, 1]);
    }
    const { accuracy, macroPrecision, macroRecall, macroF1, weightedPrecision, weightedRecall, weightedF1 } = report;
    expect([accuracy, macroPrecision, macroRecall, macroF1, weightedPrecision, weightedRecall, weightedF1]).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('refuses empty input and bad options with a clear error', () => {
    expect(() => classificationReport({ truth: [], predicted: [] })).toThrow(/empty evaluation/);
    expect(() => classificationReport(new ConfusionMatrix())).toThrow(
      expect.objectContaining({ code: EvaluationErrorCode.EmptyInput }),
    );
    expect(() => classificationReport({ truth: ['negative'], predicted: [] })).toThrow(EvaluationException);
    const options = { zeroDivision: 0.5 as ZeroDivision };
    expect(() => classificationReport(fromCounts([[1, 0, 0], [0, 0, 0], [0, 0, 0]]), options)).toThrow(
      expect.objectContaining({ code: EvaluationErrorCode.InvalidOption }),
    );
  });
});
