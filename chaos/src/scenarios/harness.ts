import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { INFERENCE_LANES, INFERENCE_SERVICE } from '@sentiment-ops/contracts';
import { streamKeys } from '@sentiment-ops/redis-rpc';
import { waitFor } from '@sentiment-ops/testing';
import { metricSum } from '../report/prometheus';
import type { ScenarioResult } from '../report/tally';
import type { RequestRecord } from '../load/load-driver';
import { ChaosStack, type SharedFixtures, type StackSpec, type TrackedProcess } from '../stack/chaos-stack';
import { ScenarioRecorder } from './recorder';

export { sleep };

export interface ScenarioContext {
  fixtures: SharedFixtures;
  /** Each process's output is written here, one folder per scenario. */
  logDir: string;
  log(line: string): void;
}

export interface Scenario {
  name: string;
  /** One line: the fault injected and what must hold. */
  fault: string;
  stack: Omit<StackSpec, 'label'>;
  /**
   * Whether every computation must be visible in the reply ledger. False where a reply can be
   * computed but never published (Redis away at that moment): the difference is then reported.
   */
  ledgerExact?: boolean;
  body(stack: ChaosStack, recorder: ScenarioRecorder, ctx: ScenarioContext): Promise<void>;
}

export const scenarioSlug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const tail = (text: string, lines = 15): string => text.trimEnd().split('\n').slice(-lines).join('\n');

/** Compares each surviving replica's inference_items_total with the replies the ledger saw from it (after letting in-flight replies arrive). */
const crossCheckLedger = async (stack: ChaosStack, recorder: ScenarioRecorder, exact: boolean): Promise<void> => {
  for (const replica of stack.running('inference')) {
    const counts = async () => ({ computed: metricSum(await stack.metrics(replica), 'inference_items_total'), answered: stack.ledger.replica(replica.service.name).items });
    const { computed, answered } = await waitFor(async () => {
      const now = await counts();
      return now.computed === now.answered && now;
    }, { timeoutMs: 2_000, what: 'the ledger to catch up' }).catch(counts);
    if (exact) {
      recorder.check(`${replica.service.name}: every computation seen by the ledger`, computed === answered, `inference_items_total ${computed}, texts in replies ${answered}`);
    } else {
      recorder.note(`${replica.service.name}: inference_items_total ${computed}, texts in published replies ${answered} (${computed - answered} computed while their reply could not be published)`);
    }
  }
};

/** Starts the scenario's stack, runs it, then checks what every scenario must hold and tears the stack down. */
export const runScenario = async (scenario: Scenario, ctx: ScenarioContext, timeoutMs = 180_000): Promise<ScenarioResult> => {
  const recorder = new ScenarioRecorder(scenario.name, scenario.fault);
  let stack: ChaosStack;
  try {
    stack = await ChaosStack.start({ label: scenarioSlug(scenario.name).replace(/-/g, '_'), ...scenario.stack }, ctx.fixtures);
  } catch (error) {
    recorder.check('stack started', false, (error as Error).message.split('\n').slice(0, 20).join('\n'));
    return recorder.result();
  }
  try {
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`scenario still running after ${timeoutMs / 1000} s`)), timeoutMs)));
    try {
      await Promise.race([scenario.body(stack, recorder, ctx), watchdog]);
    } finally {
      clearTimeout(timer);
    }
  } catch (error) {
    recorder.check('scenario ran to the end', false, (error as Error).message);
  }
  const crashed = stack.crashed();
  recorder.check(
    'no process crashed',
    crashed.length === 0,
    crashed.map((p) => `${p.service.name} exited with ${p.service.child.exitCode ?? p.service.child.signalCode}:\n${tail(p.service.output())}`).join('\n') || undefined,
  );
  await crossCheckLedger(stack, recorder, scenario.ledgerExact ?? true).catch((error: Error) => recorder.check('ledger cross-check', false, error.message));
  recorder.duplicated += stack.ledger.duplicated;
  const outputs = new Map(stack.processes.map((p) => [p.service.name, p.service]));
  const exits = await stack.stop();
  const logDir = join(ctx.logDir, scenarioSlug(scenario.name));
  mkdirSync(logDir, { recursive: true });
  for (const [name, service] of outputs) writeFileSync(join(logDir, `${name}.log`), service.output());
  recorder.note(`process logs: ${logDir}`);
  const unclean = exits.filter((exit) => exit.code !== 0);
  recorder.check(
    'every remaining process exits 0 on SIGTERM',
    unclean.length === 0,
    unclean.map((exit) => `${exit.name}: ${exit.code} after ${exit.ms} ms\n${tail(outputs.get(exit.name)?.output() ?? '')}`).join('\n') || `${exits.length} processes`,
  );
  return recorder.result();
};

/** A request the gateway answered 200 (not lost, not an error status). */
export const answered200 = (record: RequestRecord): boolean => record.outcome.kind === 'answered' && record.outcome.status === 200;

export const allAnswered200 = (records: readonly RequestRecord[]): boolean => records.every(answered200);

/** Freezes a process (SIGSTOP): it keeps its connections, so Redis still hands it entries it will not answer. */
export const freeze = (target: TrackedProcess): void => void target.service.child.kill('SIGSTOP');
export const thaw = (target: TrackedProcess): void => void target.service.child.kill('SIGCONT');

/**
 * Freezes a replica at a moment it holds delivered entries (it may be frozen between two reads,
 * holding none: then it is thawed and frozen again). Returns how many entries it holds.
 */
export const freezeHolding = async (stack: ChaosStack, replica: TrackedProcess, tries = 5): Promise<number> => {
  for (let attempt = 1; ; attempt++) {
    freeze(replica);
    const held = await waitFor(async () => (await pendingOn(stack, replica.service.name)) || undefined, { timeoutMs: 1_000, what: 'the frozen replica to hold entries' }).catch(() => 0);
    if (held > 0 || attempt === tries) return held;
    thaw(replica);
    await sleep(100);
  }
};

/** Whether anything still accepts TCP connections on `port` (a bare connect: no request is sent). */
export const acceptsConnections = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Entries of the live and bulk streams pending on `consumer` (delivered, not acknowledged). */
export const pendingOn = async (stack: ChaosStack, consumer: string): Promise<number> => {
  const redis = new Redis(stack.redis.url, { maxRetriesPerRequest: 1 });
  const keys = streamKeys(stack.prefix, INFERENCE_SERVICE, INFERENCE_LANES);
  try {
    let total = 0;
    for (const lane of INFERENCE_LANES) {
      // Summary form: [count, first id, last id, [[consumer, count], ...]].
      const summary = (await redis.xpending(keys.lane(lane), `${INFERENCE_SERVICE}-workers`).catch(() => null)) as [number, string, string, [string, string][] | null] | null;
      for (const [name, count] of summary?.[3] ?? []) if (name === consumer) total += Number(count);
    }
    return total;
  } finally {
    redis.disconnect();
  }
};

export { waitFor };
