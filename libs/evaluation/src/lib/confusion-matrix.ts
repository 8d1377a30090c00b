import { SENTIMENT_LABELS, type SentimentLabel } from '@sentiment-ops/contracts';
import { EvaluationErrorCode, EvaluationException } from './evaluation.errors';

const CLASS_COUNT = SENTIMENT_LABELS.length;

const labelIndex = (label: SentimentLabel, role: 'truth' | 'predicted', position?: number): number => {
  // Labels often come from files or JSON, so the type alone is no guarantee. The reference mapped
  // unknown strings to neutral silently; we refuse them instead.
  const index = (SENTIMENT_LABELS as readonly string[]).indexOf(label);
  if (index < 0) {
    const where = position === undefined ? '' : ` at index ${position}`;
    throw new EvaluationException(
      EvaluationErrorCode.UnknownLabel,
      `Unknown ${role} label ${JSON.stringify(label)}${where}; expected one of ${SENTIMENT_LABELS.join(', ')}`,
    );
  }
  return index;
};

const zeros = (): number[][] => SENTIMENT_LABELS.map(() => SENTIMENT_LABELS.map(() => 0));

/**
 * Counts of (true label, predicted label) pairs. Rows are the true label, columns the predicted
 * one, both in SENTIMENT_LABELS order (negative, neutral, positive). Memory is O(1) in the number
 * of rows, so a job can score a split chunk by chunk.
 */
export class ConfusionMatrix {
  private readonly cells: number[][] = zeros();

  /** Rebuilds a matrix from stored counts (e.g. a checkpoint of a partially scored job). */
  static fromCounts(counts: readonly (readonly number[])[]): ConfusionMatrix {
    const valid =
      counts.length === CLASS_COUNT &&
      counts.every((row) => row.length === CLASS_COUNT && row.every((n) => Number.isSafeInteger(n) && n >= 0));
    if (!valid) {
      throw new EvaluationException(
        EvaluationErrorCode.InvalidCounts,
        `Confusion matrix counts must be ${CLASS_COUNT}x${CLASS_COUNT} non-negative integers`,
      );
    }
    const matrix = new ConfusionMatrix();
    counts.forEach((row, t) => row.forEach((n, p) => (matrix.cells[t][p] = n)));
    return matrix;
  }

  add(truth: SentimentLabel, predicted: SentimentLabel): this {
    this.cells[labelIndex(truth, 'truth')][labelIndex(predicted, 'predicted')] += 1;
    return this;
  }

  addMany(truths: readonly SentimentLabel[], predictions: readonly SentimentLabel[]): this {
    if (truths.length !== predictions.length) {
      throw new EvaluationException(
        EvaluationErrorCode.LengthMismatch,
        `Got ${truths.length} true labels but ${predictions.length} predictions`,
      );
    }
    // Validate the whole chunk before counting, so a bad row never leaves a half-applied chunk.
    const pairs = truths.map((truth, i) => [labelIndex(truth, 'truth', i), labelIndex(predictions[i], 'predicted', i)]);
    for (const [t, p] of pairs) this.cells[t][p] += 1;
    return this;
  }

  /** Adds another matrix's counts into this one (e.g. chunks scored in parallel). */
  merge(other: ConfusionMatrix): this {
    other.cells.forEach((row, t) => row.forEach((n, p) => (this.cells[t][p] += n)));
    return this;
  }

  /** A copy of the 3×3 counts: rows true, columns predicted. */
  get counts(): number[][] {
    return this.cells.map((row) => [...row]);
  }

  /** Number of (truth, prediction) pairs counted. */
  get total(): number {
    return this.cells.reduce((sum, row) => sum + row.reduce((a, b) => a + b, 0), 0);
  }
}
