import {
  SENTIMENT_LABELS,
  type ClassificationReport,
  type ClassMetrics,
  type SentimentLabel,
} from '@sentiment-ops/contracts';
import { ConfusionMatrix } from './confusion-matrix';
import { EvaluationErrorCode, EvaluationException } from './evaluation.errors';

/** Value of a metric whose denominator is zero (sklearn's `zero_division`). */
export type ZeroDivision = 0 | 1;

export interface ClassificationReportOptions {
  zeroDivision?: ZeroDivision;
}

/** Parallel arrays of true and predicted labels (same length). */
export interface LabelledPredictions {
  truth: readonly SentimentLabel[];
  predicted: readonly SentimentLabel[];
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Accuracy, per-class precision/recall/F1/support, and macro and support-weighted averages.
 *
 * Zero-division policy (the reference's macro averages silently dropped absent classes; we don't):
 * - precision of a class never predicted, and recall of a class with no true rows, are `zeroDivision`;
 * - F1 is 2·TP / (support + predicted), and `zeroDivision` only when that denominator is 0, i.e. the
 *   class is absent from both truth and predictions (sklearn ≥ 1.3). With zeroDivision = 0 this
 *   equals "F1 = 0 when P + R = 0"; with zeroDivision = 1 a class that was predicted and present
 *   but never right still scores F1 = 0, not 1.
 * - macro averages are over all three classes, absent ones included (TweetEval's official metric
 *   is `macroRecall`); weighted averages weight each class by its support.
 */
export function classificationReport(
  input: ConfusionMatrix | LabelledPredictions,
  options: ClassificationReportOptions = {},
): ClassificationReport {
  const zeroDivision = options.zeroDivision ?? 0;
  if (zeroDivision !== 0 && zeroDivision !== 1) {
    throw new EvaluationException(EvaluationErrorCode.InvalidOption, `zeroDivision must be 0 or 1, got ${zeroDivision}`);
  }
  const matrix = input instanceof ConfusionMatrix ? input : new ConfusionMatrix().addMany(input.truth, input.predicted);
  const counts = matrix.counts;
  const samples = matrix.total;
  if (samples === 0) {
    throw new EvaluationException(EvaluationErrorCode.EmptyInput, 'Cannot score an empty evaluation: no labelled predictions');
  }

  const perClassList: ClassMetrics[] = SENTIMENT_LABELS.map((_, c) => {
    const truePositives = counts[c][c];
    const support = counts[c].reduce((a, b) => a + b, 0);
    const predicted = counts.reduce((sum, row) => sum + row[c], 0);
    return {
      precision: predicted === 0 ? zeroDivision : truePositives / predicted,
      recall: support === 0 ? zeroDivision : truePositives / support,
      f1: support + predicted === 0 ? zeroDivision : (2 * truePositives) / (support + predicted),
      support,
    };
  });
  const perClass = Object.fromEntries(SENTIMENT_LABELS.map((label, c) => [label, perClassList[c]])) as Record<
    SentimentLabel,
    ClassMetrics
  >;
  // samples > 0, so the total support is never zero here.
  const weighted = (metric: keyof Omit<ClassMetrics, 'support'>): number =>
    perClassList.reduce((sum, m) => sum + m[metric] * m.support, 0) / samples;

  return {
    samples,
    accuracy: counts.reduce((sum, row, c) => sum + row[c], 0) / samples,
    macroPrecision: mean(perClassList.map((m) => m.precision)),
    macroRecall: mean(perClassList.map((m) => m.recall)),
    macroF1: mean(perClassList.map((m) => m.f1)),
    weightedPrecision: weighted('precision'),
    weightedRecall: weighted('recall'),
    weightedF1: weighted('f1'),
    perClass,
    confusionMatrix: counts,
    zeroDivision,
  };
}
