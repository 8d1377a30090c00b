export const EvaluationErrorCode = {
  EmptyInput: 'EMPTY_INPUT',
  LengthMismatch: 'LENGTH_MISMATCH',
  UnknownLabel: 'UNKNOWN_LABEL',
  InvalidCounts: 'INVALID_COUNTS',
  InvalidOption: 'INVALID_OPTION',
} as const;
export type EvaluationErrorCode = (typeof EvaluationErrorCode)[keyof typeof EvaluationErrorCode];

/** Bad input to a metric function: a caller bug or corrupt data, never retryable. */
export class EvaluationException extends Error {
  constructor(
    readonly code: EvaluationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EvaluationException';
  }
}
