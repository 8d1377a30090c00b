import { z } from 'zod';

/** Thrown at boot when environment variables are missing or malformed; names every bad variable. */
export class ConfigValidationError extends Error {
  constructor(
    readonly appName: string,
    readonly problems: readonly { variable: string; message: string }[],
  ) {
    super(`${appName}: invalid environment variables: ${problems.map((p) => `${p.variable} (${p.message})`).join('; ')}`);
    this.name = 'ConfigValidationError';
  }
}

/**
 * Validates `env` against a zod object whose keys are variable names. Unknown variables are
 * ignored; every failing variable is reported at once, by name.
 */
export const parseEnv = <S extends z.ZodObject>(appName: string, schema: S, env: NodeJS.ProcessEnv): z.infer<S> => {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    variable: issue.path.map(String).join('.') || '(environment)',
    message: issue.message,
  }));
  throw new ConfigValidationError(appName, problems);
};

/** Common variable shapes, so every app reads booleans, ports and durations the same way. */
export const envBoolean = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''], { error: 'must be true or false (or 1/0)' })
    .default(defaultValue ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const envInt = (defaultValue: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` })
    .default(defaultValue);

/** A decimal number in [min, max] (thresholds, rates). */
export const envNumber = (defaultValue: number, { min, max }: { min: number; max: number }) =>
  z.coerce
    .number({ error: 'must be a number' })
    .refine(Number.isFinite, { error: 'must be a finite number' })
    .refine((value) => value >= min, { error: `must be at least ${min}` })
    .refine((value) => value <= max, { error: `must be at most ${max}` })
    .default(defaultValue);

export const envPort = (defaultValue: number) => envInt(defaultValue, { min: 0, max: 65535 });

export const envRedisUrl = () =>
  z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((value) => /^rediss?:\/\//.test(value), { error: 'must start with redis:// or rediss://' });

/** Key namespace, so tests and several stacks can share one Redis. */
export const envRedisPrefix = () =>
  z
    .string()
    .default('sentiment-ops')
    .refine((value) => /^[A-Za-z0-9:_.-]+$/.test(value), { error: 'may only contain letters, digits and : _ . -' });

export const envLogFormat = () => z.enum(['json', 'text'], { error: 'must be json or text' }).default('text');

/** Prints the error and exits: used by each app's main.ts before Nest starts. */
export const exitOnConfigError = (error: unknown): never => {
  if (error instanceof ConfigValidationError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
};
