import { INFERENCE_LANES, INFERENCE_SERVICE, JobName } from '@sentiment-ops/contracts';
import { RedisStreamsServer, streamKeys } from '@sentiment-ops/redis-rpc';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '@sentiment-ops/testing';
import { Logger, type FactoryProvider } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the queue exactly as the gateway creates it, not a copy
import { evaluationQueueProvider } from '../../apps/gateway/src/evaluations/evaluation-queue.provider';
import { APP_CONTRACTS } from './app-contracts';
import { overlayFolders, renderKustomization, type KubeObject } from './kustomize';
import { containerEnvironment } from './manifest-checks';
import { readYaml } from './repo-files';

/**
 * The Redis names in the KEDA ScaledObjects, checked against what the code really creates in a real
 * Redis (under a test prefix standing in for the overlay's REDIS_PREFIX): the consumer group a replica
 * joins on each lane's stream, and the list a queued evaluation waits in.
 */
interface Trigger {
  type: string;
  metadata: Record<string, string>;
}

const exampleSecret = readYaml('deploy/base/secret.example.yaml') as { metadata: { name: string }; stringData: Record<string, string> };
const context = { apps: APP_CONTRACTS, secrets: { [exampleSecret.metadata.name]: exampleSecret.stringData } };

const find = (objects: KubeObject[], kind: string, name: string): KubeObject => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} not rendered`);
  return found;
};
const triggersOf = (objects: KubeObject[], name: string): Trigger[] => (find(objects, 'ScaledObject', name)['spec'] as { triggers: Trigger[] }).triggers;
/** The environment of an app's container in an overlay, as the pod gets it. */
const environmentOf = (objects: KubeObject[], name: string): Record<string, string> => {
  const deployment = find(objects, 'Deployment', name) as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
  const problems: string[] = [];
  const env = containerEnvironment(objects, deployment.spec.template.spec.containers[0] as Record<string, unknown>, context, problems, name);
  expect(problems).toEqual([]);
  return env;
};
/** A key of the overlay's namespace moved under the test prefix. */
const underPrefix = (key: string, overlayPrefix: string, testPrefix: string): string => {
  expect(key.startsWith(`${overlayPrefix}:`)).toBe(true);
  return `${testPrefix}${key.slice(overlayPrefix.length)}`;
};

describe.each(overlayFolders())('%s: KEDA triggers name the Redis keys the code uses', (overlay) => {
  const objects = renderKustomization(overlay);
  let redis: Redis;
  let prefix: string;

  // The server logs through Nest's static logger: quiet in tests.
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    prefix = uniquePrefix('ops-keda');
    redis = new Redis(TEST_REDIS_URL);
  });
  afterEach(async () => {
    redis.disconnect();
    await deleteKeys(prefix);
  });

  it('inference: every lane stream exists with the consumer group a replica creates', async () => {
    const env = environmentOf(objects, 'inference');
    // The transport exactly as apps/inference/src/bootstrap.ts builds it, under the test prefix.
    const server = new RedisStreamsServer({ url: TEST_REDIS_URL, prefix, service: INFERENCE_SERVICE, lanes: INFERENCE_LANES, consumerName: 'ops-spec' });
    await new Promise<void>((resolve, reject) => server.listen((error?: unknown) => (error ? reject(error) : resolve())));
    try {
      const lanes = Object.values(streamKeys(prefix, INFERENCE_SERVICE, INFERENCE_LANES).lanes);
      const triggers = triggersOf(objects, 'inference').filter((trigger) => trigger.type === 'redis-streams');
      const triggeredStreams = new Set<string>();
      for (const trigger of triggers) {
        const stream = underPrefix(trigger.metadata['stream'] as string, env['REDIS_PREFIX'] as string, prefix);
        triggeredStreams.add(stream);
        const groups = (await redis.call('XINFO', 'GROUPS', stream)) as unknown[][];
        const names = groups.map((row) => row[row.indexOf('name') + 1]);
        expect(names).toContain(trigger.metadata['consumerGroup']);
      }
      expect([...triggeredStreams].sort()).toEqual([...lanes].sort());
    } finally {
      await server.close();
    }
  });

  it('evaluation worker: a job queued by the gateway waits in the listed key', async () => {
    const env = { ...environmentOf(objects, 'gateway'), REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix };
    const gateway = APP_CONTRACTS.find((app) => app.name === 'gateway');
    const queue = (evaluationQueueProvider as FactoryProvider).useFactory(gateway?.loadConfig(env)) as Queue;
    try {
      const [trigger] = triggersOf(objects, 'evaluation-worker');
      expect(trigger?.type).toBe('redis');
      const listName = underPrefix(trigger?.metadata['listName'] as string, environmentOf(objects, 'evaluation-worker')['REDIS_PREFIX'] as string, prefix);
      expect(await redis.llen(listName)).toBe(0);
      await queue.add(JobName.EvaluateDataset, { runId: 'ops-spec' });
      await queue.add(JobName.FineTune, { runId: 'ops-spec-2' });
      expect(await redis.type(listName)).toBe('list');
      expect(await redis.llen(listName)).toBe(2);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      (queue.opts.connection as Redis).disconnect();
    }
  });
});
