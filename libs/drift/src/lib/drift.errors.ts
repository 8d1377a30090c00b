export type DriftErrorCode = 'EMPTY_INPUT' | 'NON_FINITE' | 'NEGATIVE_COUNT' | 'LENGTH_MISMATCH' | 'INVALID_OPTION';

/** Bad input to a drift statistic; callers map `code` to their own error at the edge. */
export class DriftInputException extends Error {
  constructor(
    readonly code: DriftErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DriftInputException';
  }
}
