import { z } from 'zod';
import { ConfigValidationError, envBoolean, envInt, envPort, envRedisUrl, parseEnv } from './parse-env';

const schema = z.object({
  PORT: envPort(8080),
  REDIS_URL: envRedisUrl(),
  HF_HUB_OFFLINE: envBoolean(false),
  MAX_BATCH: envInt(32, { min: 1, max: 512 }),
});

describe('parseEnv', () => {
  it('applies defaults and coerces types', () => {
    expect(parseEnv('test', schema, {})).toEqual({ PORT: 8080, REDIS_URL: 'redis://127.0.0.1:6379', HF_HUB_OFFLINE: false, MAX_BATCH: 32 });
    expect(parseEnv('test', schema, { PORT: '0', HF_HUB_OFFLINE: '1', MAX_BATCH: '64' })).toMatchObject({ PORT: 0, HF_HUB_OFFLINE: true, MAX_BATCH: 64 });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      parseEnv('gateway', schema, { PORT: 'http', REDIS_URL: 'localhost:6379', HF_HUB_OFFLINE: 'maybe', MAX_BATCH: '0' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const variables = (error as ConfigValidationError).problems.map((p) => p.variable).sort();
    expect(variables).toEqual(['HF_HUB_OFFLINE', 'MAX_BATCH', 'PORT', 'REDIS_URL']);
    expect((error as Error).message).toMatch(/^gateway: invalid environment variables: .*PORT/);
  });
});
