/** A bad command line: the CLIs print it with their usage and exit 2. */
export class UsageError extends Error {}

export interface ParsedOptions {
  values: Record<string, string>;
  /** A whole-number option in min..max, or `fallback` when absent. */
  integer(name: string, min: number, max: number, fallback: number): number;
}

/** `--name value` and `--name=value` options, only from `allowed`; anything else is a UsageError. */
export const parseOptions = (argv: readonly string[], allowed: readonly string[]): ParsedOptions => {
  const pattern = new RegExp(`^--(${allowed.join('|')})(?:=(.*))?$`);
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const match = pattern.exec(argv[i]);
    if (!match) throw new UsageError(`unknown argument ${argv[i]}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${argv[i - (match[2] === undefined ? 1 : 0)]} needs a value`);
    values[match[1]] = value;
  }
  return {
    values,
    integer: (name, min, max, fallback) => {
      if (values[name] === undefined) return fallback;
      const n = Number(values[name]);
      if (!/^\d+$/.test(values[name]) || n < min || n > max) throw new UsageError(`--${name} must be a whole number in ${min}..${max}`);
      return n;
    },
  };
};
