import type { Pool } from 'pg';
import { PatientEvaluationRunRepository, retryWhilePostgresUnavailable, type OutageRetryPolicy } from './patient-run-repository';

const RUN_ID = '7d0c5a4e-0000-4000-8000-000000000001';
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** A clock that only moves when the policy sleeps, so windows are exact and tests instant. */
const fakePolicy = (windowMs: number): OutageRetryPolicy & { slept: number[] } => {
  let clock = 0;
  const slept: number[] = [];
  return {
    windowMs,
    initialDelayMs: 100,
    maxDelayMs: 400,
    slept,
    now: () => clock,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
  };
};

describe('retryWhilePostgresUnavailable', () => {
  it('retries while Postgres is unreachable, with capped exponential backoff, then returns the result', async () => {
    const policy = fakePolicy(10_000);
    const call = jest.fn<Promise<string>, []>();
    for (let i = 0; i < 5; i++) call.mockRejectedValueOnce(refused());
    call.mockResolvedValueOnce('stored');

    await expect(retryWhilePostgresUnavailable(call, policy)).resolves.toBe('stored');
    expect(call).toHaveBeenCalledTimes(6);
    expect(policy.slept).toEqual([100, 200, 400, 400, 400]);
  });

  it('gives up with the last error once the window is spent', async () => {
    const policy = fakePolicy(1_000);
    const call = jest.fn<Promise<string>, []>().mockRejectedValue(refused());

    await expect(retryWhilePostgresUnavailable(call, policy)).rejects.toThrow('ECONNREFUSED');
    expect(policy.slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1_000);
  });

  it('does not retry errors that are not about reaching Postgres', async () => {
    const policy = fakePolicy(10_000);
    const call = jest.fn<Promise<string>, []>().mockRejectedValue(Object.assign(new Error('duplicate key value'), { code: '23505' }));

    await expect(retryWhilePostgresUnavailable(call, policy)).rejects.toThrow('duplicate key');
    expect(call).toHaveBeenCalledTimes(1);
  });
});

describe('PatientEvaluationRunRepository', () => {
  it('keeps a progress update waiting through an outage instead of failing the evaluation', async () => {
    const query = jest.fn().mockRejectedValueOnce(refused()).mockRejectedValueOnce(new Error('Connection terminated unexpectedly')).mockResolvedValueOnce({ rowCount: 1, rows: [] });
    const repository = new PatientEvaluationRunRepository({ query } as unknown as Pool, fakePolicy(10_000));

    await expect(repository.updateProgress(RUN_ID, 0.5)).resolves.toBe(true);
    expect(query).toHaveBeenCalledTimes(3);
  });
});
