import type { ChaosStack, TrackedProcess } from '../stack/chaos-stack';
import { checkEvaluation, queueEvaluation, storedRun, waitForProgress } from './evaluation-run';
import { acceptsConnections, allAnswered200, freeze, freezeHolding, sleep, thaw, waitFor, type Scenario } from './harness';

/** SHUTDOWN_GRACE_MS defaults of the replicas and the worker. */
const REPLICA_GRACE_MS = 10_000;
const WORKER_GRACE_MS = 30_000;
// Short stalled-job timing, so a dead worker's job is taken over within seconds.
const FAST_STALL = { EVAL_CHUNK_SIZE: '8', EVAL_LOCK_DURATION_MS: '3000', EVAL_STALLED_INTERVAL_MS: '1000' };
// Enough to be mid-run when the signal comes, short enough to finish within the worker's grace.
const SAMPLES = 1_200;

/** The worker whose inference client has received bulk replies: the one running the evaluation. */
const evaluatingWorker = (stack: ChaosStack): TrackedProcess | undefined =>
  stack.running('worker').find((worker) => stack.repliesTo(worker).items > 0);

export const workerKill: Scenario = {
  name: 'worker SIGKILL',
  fault: 'the worker running an evaluation is SIGKILLed at ≥20 % progress; the other worker takes the stalled job over, restarts it once and stores one result',
  stack: { replicas: 1, workers: 2, workerEnv: FAST_STALL },
  async body(stack, recorder) {
    const load = stack.load('worker-kill', { ratePerSecond: 50 });
    const runId = await queueEvaluation(stack, SAMPLES);
    await waitForProgress(stack, runId, 0.2);
    const victim = evaluatingWorker(stack);
    if (!victim) throw new Error('no worker is computing the evaluation');
    await stack.signal(victim, 'SIGKILL');
    await checkEvaluation(stack, recorder, runId, SAMPLES, 2);
    const records = await load.stop();
    recorder.requests(records);
    recorder.check('predictions unaffected', allAnswered200(records));
  },
};

export const replicaSigterm: Scenario = {
  name: 'SIGTERM inference replica',
  fault: 'under load, one of 2 replicas is frozen until it holds entries, then gets SIGTERM (and SIGCONT); it must stop reading, answer what it holds and exit 0 within SHUTDOWN_GRACE_MS',
  stack: { replicas: 2, workers: 0 },
  async body(stack, recorder) {
    const load = stack.load('replica-sigterm');
    await sleep(2_000);
    const [victim] = stack.running('inference');
    const held = await freezeHolding(stack, victim);
    const exiting = stack.signal(victim, 'SIGTERM', REPLICA_GRACE_MS + 10_000);
    thaw(victim);
    const exit = await exiting;
    recorder.check('the replica exited 0 within its grace period', exit.code === 0 && exit.ms < REPLICA_GRACE_MS, `exit ${exit.code} after ${exit.ms} ms, holding ${held} entries`);
    await sleep(2_000);
    const records = await load.stop();
    recorder.requests(records);
    recorder.check('every request answered 200', allAnswered200(records));
  },
};

export const workerSigterm: Scenario = {
  name: 'SIGTERM evaluation worker',
  fault: 'the worker running an evaluation gets SIGTERM at ≥10 % progress; it must finish that evaluation, take no other job and exit 0 within SHUTDOWN_GRACE_MS',
  stack: { replicas: 1, workers: 2, workerEnv: FAST_STALL },
  async body(stack, recorder) {
    const load = stack.load('worker-sigterm', { ratePerSecond: 50 });
    const runId = await queueEvaluation(stack, SAMPLES);
    await waitForProgress(stack, runId, 0.1);
    const victim = evaluatingWorker(stack);
    if (!victim) throw new Error('no worker is computing the evaluation');
    const exit = await stack.signal(victim, 'SIGTERM', WORKER_GRACE_MS + 10_000);
    const atExit = await storedRun(stack, runId);
    recorder.check('the worker finished its evaluation, then exited 0 within its grace period', exit.code === 0 && exit.ms < WORKER_GRACE_MS && atExit?.status === 'completed', `exit ${exit.code} after ${exit.ms} ms; run ${atExit?.status}`);
    await checkEvaluation(stack, recorder, runId, SAMPLES, 1);
    const records = await load.stop();
    recorder.requests(records);
    recorder.check('predictions unaffected', allAnswered200(records));
  },
};

export const gatewaySigterm: Scenario = {
  name: 'SIGTERM gateway',
  fault: 'with requests in flight (replicas frozen), the gateway gets SIGTERM; it must refuse new connections, answer the in-flight requests once the replicas resume, and exit 0',
  stack: { replicas: 2, workers: 0 },
  async body(stack, recorder) {
    const load = stack.load('gateway-sigterm');
    await sleep(2_000);
    const replicas = stack.running('inference');
    replicas.forEach(freeze);
    await sleep(500);
    // A load balancer stops routing to a terminating instance: no new requests from here on.
    load.stopSending();
    const [gateway] = stack.running('gateway');
    const port = Number(new URL(stack.gateway.url).port);
    const sigtermAt = Date.now();
    const exiting = stack.signal(gateway, 'SIGTERM', 30_000);
    const refusing = await waitFor(async () => !(await acceptsConnections(port)), { timeoutMs: 5_000, intervalMs: 20, what: 'the gateway to stop listening' }).catch(() => false);
    recorder.check('new connections refused after SIGTERM, in-flight requests still open', refusing && gateway.service.child.exitCode === null);
    replicas.forEach(thaw);
    // The client then hangs up; its idle keep-alive connections would otherwise hold the server for keepAliveTimeout.
    const records = await load.stop();
    const exit = await exiting;
    recorder.requests(records);
    const inFlight = records.filter((r) => r.sentAt < sigtermAt && r.sentAt + r.durationMs > sigtermAt).length;
    recorder.check('requests in flight at SIGTERM, all answered 200', inFlight > 0 && allAnswered200(records), `${inFlight} in flight`);
    recorder.check('the gateway exited 0', exit.code === 0, `exit ${exit.code} after ${exit.ms} ms`);
  },
};
