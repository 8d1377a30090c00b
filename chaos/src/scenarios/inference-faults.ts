import { metricSum } from '../report/prometheus';
import { checkEvaluation, queueEvaluation, storedRun, waitForProgress } from './evaluation-run';
import type { RedisStop } from '../infra/own-redis';
import type { ChaosStack } from '../stack/chaos-stack';
import { allAnswered200, answered200, freezeHolding, pendingOn, sleep, waitFor, type Scenario } from './harness';
import type { ScenarioRecorder } from './recorder';

/** The gateway's deadline in every scenario (its default). */
export const DEADLINE_MS = 10_000;

export const baseline: Scenario = {
  name: 'baseline (no fault)',
  fault: 'steady load on gateway + 2 replicas; every request must succeed',
  stack: { replicas: 2, workers: 0 },
  async body(stack, recorder) {
    const load = stack.load('baseline');
    await sleep(5_000);
    const records = await load.stop();
    recorder.requests(records);
    recorder.check('every request answered 200', allAnswered200(records));
  },
};

export const replicaKill: Scenario = {
  name: 'replica SIGKILL',
  fault: 'under load, one of 2 replicas is frozen (SIGSTOP) until it holds delivered entries, then SIGKILLed; the other must reclaim and answer them before the deadline',
  stack: { replicas: 2, workers: 0 },
  async body(stack, recorder) {
    const load = stack.load('replica-kill');
    await sleep(2_000);
    const [victim, survivor] = stack.running('inference');
    const held = await freezeHolding(stack, victim);
    await stack.signal(victim, 'SIGKILL');
    const killedAt = Date.now();
    recorder.check('the killed replica held in-flight entries', held > 0, `${held} entries pending on ${victim.service.name} when killed`);
    // Reclaim comes after RPC_VISIBILITY_TIMEOUT_MS (5 s) plus at most one reclaim interval.
    await waitFor(async () => (await pendingOn(stack, victim.service.name)) === 0, { timeoutMs: DEADLINE_MS, intervalMs: 200, what: 'the dead replica\'s entries to be reclaimed' }).catch(() => undefined);
    await sleep(1_000);
    const records = await load.stop();
    recorder.requests(records);
    const reclaimed = metricSum(await stack.metrics(survivor), 'rpc_reclaimed_total');
    recorder.check('the survivor reclaimed them', reclaimed >= held, `rpc_reclaimed_total ${reclaimed}`);
    const slowest = Math.max(...records.map((r) => r.durationMs));
    recorder.check('every request answered 200 before the deadline', allAnswered200(records) && slowest < DEADLINE_MS, `slowest ${Math.round(slowest)} ms`);
    recorder.note(`load ran ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill; duplicated counts request ids with two final replies`);
  },
};

/** Samples per evaluation: long enough to be running when the fault hits, beside the prediction load. */
export const EVAL_SAMPLES = 3_000;

const REDIS_DOWN_MS = 2_000;

/** Takes the stack's Redis away for REDIS_DOWN_MS under load; checks that the gap failed fast and that predictions came back. */
const redisOutage = async (stack: ChaosStack, recorder: ScenarioRecorder, how: RedisStop, duringGap: () => Promise<void> = async () => undefined): Promise<void> => {
  const load = stack.load(`redis-${how}`);
  await sleep(2_000);
  await stack.redis.halt(how);
  const goneAt = Date.now();
  await duringGap();
  await sleep(Math.max(0, REDIS_DOWN_MS - (Date.now() - goneAt)));
  const backAt = Date.now();
  await stack.redis.relaunch();
  await sleep(6_000);
  const records = await load.stop();
  recorder.requests(records);
  const inGap = records.filter((r) => r.sentAt >= goneAt && r.sentAt < backAt);
  const fast = inGap.filter((r) => r.outcome.kind === 'answered' && r.outcome.status === 503 && r.durationMs < 1_000);
  recorder.check('requests during the gap answered 503 at once', inGap.length > 0 && fast.length === inGap.length, `${fast.length} of ${inGap.length} sent while Redis was down`);
  const recovered = records.find((r) => r.sentAt >= backAt && answered200(r));
  recorder.note(`first prediction answered 200 ${recovered ? `${((recovered.sentAt - backAt) / 1000).toFixed(1)} s` : 'never'} after Redis was back`);
  const lastSeconds = records.filter((r) => r.sentAt >= backAt + 4_000);
  recorder.check('predictions work again after the restart', lastSeconds.length > 0 && allAnswered200(lastSeconds), `${lastSeconds.length} requests from 4 s after the restart`);
};

export const redisRestart: Scenario = {
  name: 'Redis restart',
  fault: `under load and during an evaluation, Redis shuts down (SHUTDOWN SAVE), stays away ${REDIS_DOWN_MS / 1000} s and restarts on the same port with its data; requests in the gap fail fast, no process restarts, the job resumes`,
  stack: { replicas: 2, workers: 1, workerEnv: { EVAL_CHUNK_SIZE: '8' } },
  // A reply computed while Redis was away cannot be published: that entry is answered again later or expires.
  ledgerExact: false,
  async body(stack, recorder) {
    const runId = await queueEvaluation(stack, EVAL_SAMPLES);
    await waitForProgress(stack, runId, 0.02);
    await redisOutage(stack, recorder, 'shutdown-save', async () => {
      const atFault = await storedRun(stack, runId);
      recorder.check('the evaluation was running when Redis went away', atFault?.status === 'running' && atFault.progress < 1, `progress ${atFault?.progress}`);
      const queued = await stack.call('POST', '/api/v1/evaluate?dataset=tweet_eval&split=test&samples=10');
      recorder.check('queuing an evaluation answers 503 at once', queued.status === 503 && queued.ms < 1_000, `POST /api/v1/evaluate → ${queued.status} in ${Math.round(queued.ms)} ms`);
    });
    await checkEvaluation(stack, recorder, runId, EVAL_SAMPLES, 3);
  },
};

export const redisCrash: Scenario = {
  name: 'Redis crash (data lost)',
  fault: `under load, Redis is SIGKILLed and restarts empty ${REDIS_DOWN_MS / 1000} s later (request streams and consumer groups gone); replicas recreate them, predictions resume without any restart`,
  stack: { replicas: 2, workers: 0 },
  ledgerExact: false,
  async body(stack, recorder) {
    await redisOutage(stack, recorder, 'crash');
  },
};
