/** An error's message without `instanceof` (errors thrown by fetch may come from another realm, e.g. under Jest). */
export const errorMessage = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string' ? error.message : String(error);
