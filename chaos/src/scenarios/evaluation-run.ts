import type { ChaosStack } from '../stack/chaos-stack';
import type { ScenarioRecorder } from './recorder';
import { waitFor } from './harness';

export interface StoredRun {
  status: string;
  attempts: number;
  samples: number | null;
  progress: number;
  error: string | null;
}

/** Queues an evaluation of the suite's dataset through the gateway; returns the run id. */
export const queueEvaluation = async (stack: ChaosStack, samples: number): Promise<string> => {
  const accepted = await stack.call('POST', `/api/v1/evaluate?dataset=tweet_eval&split=test&samples=${samples}&sampling=first`);
  if (accepted.status !== 202 || typeof accepted.body['jobId'] !== 'string') throw new Error(`evaluation not accepted: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return accepted.body['jobId'];
};

/** The run as stored, read straight from the scenario's database (not through the proxy). */
export const storedRun = async (stack: ChaosStack, runId: string): Promise<StoredRun | undefined> => {
  const [row] = await stack.sql<{ status: string; attempts: number; samples_evaluated: number | null; progress: number; error: string | null }>(
    'SELECT status, attempts, samples_evaluated, progress, error FROM evaluation_runs WHERE id = $1',
    [runId],
  );
  return row && { status: row.status, attempts: row.attempts, samples: row.samples_evaluated, progress: Number(row.progress), error: row.error };
};

export const waitForProgress = (stack: ChaosStack, runId: string, atLeast: number, timeoutMs = 30_000): Promise<StoredRun> =>
  waitFor(
    async () => {
      const run = await storedRun(stack, runId);
      return run && run.status === 'running' && run.progress >= atLeast ? run : undefined;
    },
    { timeoutMs, intervalMs: 50, what: `evaluation ${runId} to pass ${atLeast * 100} %` },
  );

export const waitForEnd = (stack: ChaosStack, runId: string, timeoutMs = 60_000): Promise<StoredRun> =>
  waitFor(
    async () => {
      const run = await storedRun(stack, runId);
      return run && ['completed', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `evaluation ${runId} to finish` },
  );

/**
 * The run must end completed with every sample scored, in exactly one run row and one row per class,
 * within `maxAttempts`; evaluation work done beyond that counts as duplicated: extra rows, and
 * complete passes over the sample beyond one (bulk texts answered, from the reply ledger; a pass cut
 * short by the fault does not count).
 */
export const checkEvaluation = async (stack: ChaosStack, recorder: ScenarioRecorder, runId: string, samples: number, maxAttempts: number, timeoutMs = 60_000): Promise<void> => {
  const run = await waitForEnd(stack, runId, timeoutMs).catch(async (error: Error) => {
    recorder.check('evaluation finished', false, `${error.message}; stored: ${JSON.stringify(await storedRun(stack, runId))}`);
    return undefined;
  });
  if (!run) return;
  recorder.check('evaluation completed with every sample', run.status === 'completed' && run.samples === samples, `${run.status}, ${run.samples} samples${run.error ? `, error: ${run.error}` : ''}`);
  recorder.check(`evaluation took at most ${maxAttempts} attempt(s)`, run.attempts <= maxAttempts, `${run.attempts} attempt(s)`);
  const [rows] = await stack.sql<{ runs: number; classes: number }>(
    `SELECT (SELECT count(*)::int FROM evaluation_runs WHERE id = $1) AS runs, (SELECT count(*)::int FROM evaluation_class_metrics WHERE run_id = $1) AS classes`,
    [runId],
  );
  const bulkTexts = stack.processes.filter((p) => p.role === 'worker').reduce((total, worker) => total + stack.repliesTo(worker).items, 0);
  const passes = Math.floor(bulkTexts / samples);
  const extra = Math.max(0, rows.runs - 1) + Math.max(0, rows.classes - 3) / 3 + Math.max(0, passes - 1);
  recorder.duplicated += extra;
  recorder.note(`evaluation ${runId}: ${run.attempts} attempt(s), ${rows.runs} run row, ${rows.classes} class rows, ${bulkTexts} bulk texts answered for ${samples} samples`);
};
