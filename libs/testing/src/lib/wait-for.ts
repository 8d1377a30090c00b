/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export const waitFor = async <T>(probe: () => Promise<T | undefined | false> | T | undefined | false, { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = {}): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
};
