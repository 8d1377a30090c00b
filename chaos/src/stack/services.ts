import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, spawnService, waitFor, type ServiceProcess } from '@sentiment-ops/testing';

/** Keys the suite gives the gateway (test-only secrets, at least 32 characters). */
export const CHAOS_KEYS = {
  predict: 'sk_chaos_predict_0123456789abcdefghijklmnopqrstuvwxyz',
  operator: 'sk_chaos_operator_0123456789abcdefghijklmnopqrstuvwxyz',
} as const;

export const CHAOS_API_KEYS = `chaos-predict:predict:${CHAOS_KEYS.predict},chaos-operator:operator:${CHAOS_KEYS.operator}`;

export interface GatewayProcess extends ServiceProcess {
  url: string;
}

/** Runs apps/gateway/src/main.ts (as `npm run start:gateway` would, without a build) and waits until /ready says predictions work. */
export const startGatewayProcess = async (env: Record<string, string>, { readyTimeoutMs = 60_000 } = {}): Promise<GatewayProcess> => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = spawnService('gateway', 'apps/gateway/src/main.ts', { PORT: String(port), HOST: '127.0.0.1', ...env });
  try {
    await waitFor(
      async () => {
        if (service.child.exitCode !== null) throw new Error(`exited with ${service.child.exitCode}`);
        return (await fetch(`${url}/ready`)).ok;
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 100, what: 'the gateway to be ready' },
    );
  } catch (error) {
    await service.stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- gateway output ---\n${service.output().slice(-4000)}`);
  }
  return { ...service, url };
};

const LABELS = ['negative', 'neutral', 'positive'] as const;

/** A TweetEval-shaped test split the suite owns (DATASETS_DIR layout), so it runs without ../shared. */
export const writeChaosDataset = (dir: string, rows: number): void => {
  const words = ['great', 'awful', 'meeting', 'love', 'hate', 'tuesday', 'fine', 'broken', 'today', 'happy'];
  const lines = Array.from({ length: rows }, (_, i) => JSON.stringify({ text: `${words[i % 10]} ${words[(i * 7) % 10]} chaos row ${i}`, label: LABELS[i % 3] }));
  mkdirSync(join(dir, 'tweeteval_sentiment'), { recursive: true });
  writeFileSync(join(dir, 'tweeteval_sentiment', 'test.jsonl'), `${lines.join('\n')}\n`);
};
