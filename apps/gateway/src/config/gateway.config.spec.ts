import { createHash } from 'node:crypto';
import { loadGatewayConfig } from './gateway.config';
import { problemsOf } from '../test/config-problems';

const SECRET_A = 'a'.repeat(40);
const SECRET_B = 'b:with:colons-and-more-than-32-characters';
const sha256 = (value: string) => createHash('sha256').update(value).digest();

describe('gateway config: access control and abuse limits', () => {
  it('defaults to no keys, no public predictions, no CORS, open metrics and the documented limits', () => {
    const config = loadGatewayConfig({});
    expect(config.auth).toEqual({ envKeys: [], publicPredict: false, keyCacheMs: 2000, metricsTokenHash: null });
    expect(config.http.corsOrigins).toEqual([]);
    expect(config.http.trustProxyHops).toBe(0);
    expect(config.rateLimit).toEqual({ perKeyPerMinute: 600, perIpPerMinute: 120 });
    expect(config.evaluation).toMatchObject({ maxConcurrentPerKey: 2, dailyPerKey: 50 });
  });

  it('keeps only SHA-256 hashes of API_KEYS secrets (a secret may contain colons)', () => {
    const config = loadGatewayConfig({ API_KEYS: ` ci:predict:${SECRET_A} , ops:operator:${SECRET_B}`, METRICS_TOKEN: SECRET_A });
    expect(config.auth.envKeys).toEqual([
      { name: 'ci', role: 'predict', hash: sha256(SECRET_A) },
      { name: 'ops', role: 'operator', hash: sha256(SECRET_B) },
    ]);
    expect(config.auth.metricsTokenHash).toEqual(sha256(SECRET_A));
    expect(JSON.stringify(config)).not.toContain(SECRET_A.slice(0, 32));
  });

  it.each([
    [`ci:${SECRET_A}`, 'entry 1 (ci): must look like name:role:secret'],
    [`bad name:predict:${SECRET_A}`, 'entry 1: name must be'],
    [`ci:root:${SECRET_A}`, 'entry 1 (ci): role must be one of predict, operator, admin'],
    ['ci:predict:short-secret', 'entry 1 (ci): secret must be at least 32 characters'],
    [`ci:predict:${SECRET_A},ci:admin:${SECRET_B}`, 'entry 2 (ci): name is used twice'],
    [`ci:predict:${SECRET_A},ops:admin:${SECRET_A}`, 'entry 2 (ops): secret is used by another entry'],
  ])('refuses API_KEYS=%s with a message that never shows a secret', (value, message) => {
    const problems = problemsOf({ API_KEYS: value });
    expect(problems).toEqual([expect.stringContaining(`API_KEYS: ${message}`)]);
    expect(problems.join()).not.toMatch(/aaaaaaaa|with:colons|short-secret/);
  });

  it('accepts exact CORS origins only', () => {
    expect(loadGatewayConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:3000' }).http.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:3000']);
    expect(problemsOf({ CORS_ORIGINS: '*,https://a.example.com/,https://*.example.com,app.example.com' })).toEqual([
      expect.stringContaining('CORS_ORIGINS: "*" is not an exact origin'),
      expect.stringContaining('"https://a.example.com/" is not an exact origin'),
      expect.stringContaining('"https://*.example.com" is not an exact origin'),
      expect.stringContaining('"app.example.com" is not an exact origin'),
    ]);
  });

  it('names every other invalid variable', () => {
    expect(
      problemsOf({ METRICS_TOKEN: 'too-short', AUTH_PUBLIC_PREDICT: 'maybe', RATE_LIMIT_PER_KEY_PER_MINUTE: '-1', RATE_LIMIT_PER_IP_PER_MINUTE: 'lots', EVAL_DAILY_PER_KEY: '1.5', TRUST_PROXY_HOPS: '99' }).sort(),
    ).toEqual([
      'AUTH_PUBLIC_PREDICT: must be true or false (or 1/0)',
      'EVAL_DAILY_PER_KEY: must be a whole number',
      'METRICS_TOKEN: must be empty or at least 32 characters without spaces',
      'RATE_LIMIT_PER_IP_PER_MINUTE: must be a whole number',
      'RATE_LIMIT_PER_KEY_PER_MINUTE: must be at least 0',
      'TRUST_PROXY_HOPS: must be at most 10',
    ]);
  });
});

describe('gateway config: prediction log', () => {
  it('samples 10 % without texts by default, flushing every second or 500 rows, keeping 30 days and 1,000,000 rows', () => {
    expect(loadGatewayConfig({}).predictionLog).toEqual({ sampleRate: 0.1, storeText: false, flushMs: 1000, batchSize: 500, maxBuffer: 10_000, retentionDays: 30, maxRows: 1_000_000 });
    expect(loadGatewayConfig({ PREDICTION_LOG_SAMPLE_RATE: '0', PREDICTION_LOG_TEXT: 'true' }).predictionLog).toMatchObject({ sampleRate: 0, storeText: true });
  });

  it('names invalid prediction log variables', () => {
    expect(problemsOf({ PREDICTION_LOG_SAMPLE_RATE: '1.5', PREDICTION_LOG_TEXT: 'sometimes', PREDICTION_LOG_BATCH_SIZE: '100000', PREDICTION_LOG_MAX_ROWS: '-1' }).sort()).toEqual([
      'PREDICTION_LOG_BATCH_SIZE: must be at most 6553',
      'PREDICTION_LOG_MAX_ROWS: must be at least 0',
      'PREDICTION_LOG_SAMPLE_RATE: must be a fraction between 0 (off) and 1 (every text)',
      'PREDICTION_LOG_TEXT: must be true or false (or 1/0)',
    ]);
  });
});
