import { checkEvaluation, queueEvaluation, storedRun, waitForProgress } from './evaluation-run';
import { allAnswered200, sleep, type Scenario } from './harness';
import { EVAL_SAMPLES } from './inference-faults';

// Longer than BullMQ's whole retry budget for a job (attempts 3, backoff 5 s then 10 s).
const POSTGRES_DOWN_MS = 20_000;

export const postgresOutage: Scenario = {
  name: 'Postgres outage',
  fault: `during an evaluation and under load, the services lose Postgres for ${POSTGRES_DOWN_MS / 1000} s (proxy cut: connections dropped, new ones refused); predictions unaffected, reads answer 503, the job retries with backoff and finishes`,
  stack: { replicas: 2, workers: 1, workerEnv: { EVAL_CHUNK_SIZE: '8' } },
  async body(stack, recorder) {
    const load = stack.load('postgres-outage');
    await sleep(1_000);
    const runId = await queueEvaluation(stack, EVAL_SAMPLES);
    await waitForProgress(stack, runId, 0.05);
    await stack.postgresProxy.cut();
    const cutAt = Date.now();
    const atCut = await storedRun(stack, runId);
    recorder.check('the evaluation was running when Postgres went away', atCut?.status === 'running' && atCut.progress < 1, `progress ${atCut?.progress}`);
    await sleep(1_000);
    const read = await stack.call('GET', `/api/v1/evaluations/${runId}`);
    recorder.check('a read that needs Postgres answers 503 at once', read.status === 503 && read.ms < 1_000, `GET /api/v1/evaluations/:id → ${read.status} in ${Math.round(read.ms)} ms`);
    const write = await stack.call('POST', `/api/v1/evaluate?dataset=tweet_eval&split=test&samples=10`);
    recorder.check('queuing an evaluation answers 503 at once', write.status === 503 && write.ms < 1_000, `POST /api/v1/evaluate → ${write.status} in ${Math.round(write.ms)} ms`);
    await sleep(Math.max(0, POSTGRES_DOWN_MS - (Date.now() - cutAt)));
    await stack.postgresProxy.restore();
    await sleep(2_000);
    const records = await load.stop();
    recorder.requests(records);
    recorder.check('every prediction answered 200', allAnswered200(records));
    const after = await stack.call('GET', `/api/v1/evaluations/${runId}`);
    recorder.check('reads work again once Postgres is back', after.status === 200, `GET /api/v1/evaluations/:id → ${after.status}`);
    // The worker waits for Postgres inside the attempt: no retry, no recomputation.
    await checkEvaluation(stack, recorder, runId, EVAL_SAMPLES, 1);
  },
};
