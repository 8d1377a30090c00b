/**
 * `npm run screenshots`: starts what the pages need (an inference replica on the committed
 * sentiment-lite model, an evaluation worker, the gateway, on the local Redis and a throwaway Postgres
 * database), drives the web UI and the dashboard in Debian's Chromium and saves PNGs under
 * docs/screenshots/ (README "Web UI"). Offline: the texts and the small labelled dataset are below.
 * Options: --out DIR (default docs/screenshots). Needs /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { migrateDatabase } from '@sentiment-ops/persistence';
import {
  chromiumAvailable,
  CHROMIUM_PATH,
  createTestDatabase,
  deleteKeys,
  freePort,
  launchBrowser,
  spawnService,
  startEvaluationWorker,
  startInferenceReplica,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type ServiceProcess,
} from '@sentiment-ops/testing';
import { parseOptions, UsageError } from './cli-options';

const OPERATOR_KEY = `sk_screenshots_${Date.now().toString(36)}_0123456789abcdefghijklmnop`;

// Short tweet-like texts with their labels: the evaluation's dataset, the drift reference and the traffic.
const LABELLED: [string, 'negative' | 'neutral' | 'positive'][] = [
  ['I love the new update, everything is so much faster!', 'positive'],
  ['Best concert of my life, thank you all', 'positive'],
  ['Great service at the cafe this morning', 'positive'],
  ['So happy with my new phone, the camera is amazing', 'positive'],
  ['What a beautiful day for a walk in the park', 'positive'],
  ['Congrats to the team, well deserved win!', 'positive'],
  ['This book is wonderful, highly recommend it', 'positive'],
  ['Thanks for the quick help, problem solved', 'positive'],
  ['Loving the weather this weekend', 'positive'],
  ['The new album is brilliant', 'positive'],
  ['The train is late again, this is ridiculous', 'negative'],
  ['Worst customer support I have ever dealt with', 'negative'],
  ['My order arrived broken and nobody answers', 'negative'],
  ['I hate waiting in this queue for hours', 'negative'],
  ['The app keeps crashing after the update', 'negative'],
  ['Terrible food and rude staff, never again', 'negative'],
  ['So disappointed with the ending of the show', 'negative'],
  ['The wifi is down again, awful', 'negative'],
  ['Lost my keys and missed the bus, awful morning', 'negative'],
  ['This is the most boring meeting ever', 'negative'],
  ['The meeting is moved to 3pm on Tuesday', 'neutral'],
  ['The store opens at 9am tomorrow', 'neutral'],
  ['New episode airs on Thursday night', 'neutral'],
  ['I am taking the bus to work today', 'neutral'],
  ['The report is due at the end of the month', 'neutral'],
  ['Our office is on the second floor', 'neutral'],
  ['The game starts at 8pm local time', 'neutral'],
  ['She moved to Berlin last year', 'neutral'],
  ['The museum is closed on Mondays', 'neutral'],
  ['Update version 2.3 is available for download', 'neutral'],
];

const writeDataset = (dir: string): void => {
  mkdirSync(join(dir, 'tweeteval_sentiment'), { recursive: true });
  // Three copies: the drift reference needs at least 30 samples; a suffix keeps each row distinct.
  const rows = [1, 2, 3].flatMap((copy) => LABELLED.map(([text, label]) => JSON.stringify({ text: copy === 1 ? text : `${text} (${copy})`, label })));
  writeFileSync(join(dir, 'tweeteval_sentiment', 'test.jsonl'), rows.join('\n') + '\n');
};

const startGateway = async (env: Record<string, string>): Promise<ServiceProcess & { url: string }> => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = spawnService('gateway', 'apps/gateway/src/main.ts', { PORT: String(port), HOST: '127.0.0.1', ...env });
  await waitFor(
    async () => {
      if (service.child.exitCode !== null) throw new Error(`the gateway exited with ${service.child.exitCode}:\n${service.output().slice(-3000)}`);
      return (await fetch(`${url}/ready`).catch(() => undefined))?.ok;
    },
    { timeoutMs: 90_000, intervalMs: 200, what: 'the gateway to be ready' },
  );
  return { ...service, url };
};

const main = async (): Promise<void> => {
  const options = parseOptions(process.argv.slice(2), ['out']);
  const out = resolve(options.values['out'] ?? 'docs/screenshots');
  if (!chromiumAvailable()) throw new UsageError(`no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
  mkdirSync(out, { recursive: true });

  const prefix = uniquePrefix('screenshots');
  const database = await createTestDatabase('screenshots');
  const datasetsDir = mkdtempSync(join(tmpdir(), 'screenshots-data-'));
  const services: ServiceProcess[] = [];
  let closeBrowser = async () => undefined as void;
  try {
    await migrateDatabase(database.url);
    writeDataset(datasetsDir);
    const shared = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, HF_HUB_OFFLINE: '1' };
    console.log('starting an inference replica (sentiment-lite), an evaluation worker and the gateway…');
    services.push(await startInferenceReplica({ ...shared, MODEL_ID: 'sentiment-lite' }));
    services.push(await startEvaluationWorker({ ...shared, DATABASE_URL: database.url, DATASETS_DIR: datasetsDir }));
    const gateway = await startGateway({
      ...shared,
      DATABASE_URL: database.url,
      API_KEYS: `screenshots:operator:${OPERATOR_KEY}`,
      AUTH_PUBLIC_PREDICT: 'true',
      PREDICTION_LOG_SAMPLE_RATE: '1',
      RATE_LIMIT_PER_KEY_PER_MINUTE: '0',
      RATE_LIMIT_PER_IP_PER_MINUTE: '0',
    });
    services.push(gateway);
    const api = async (method: string, path: string, body?: unknown): Promise<Record<string, any>> => { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of several shapes
      const response = await fetch(`${gateway.url}${path}`, { method, headers: { 'X-API-Key': OPERATOR_KEY, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const started = new Date(Date.now() - 60_000);

    const browser = await launchBrowser(gateway.url, { width: 1100, height: 900 });
    closeBrowser = () => browser.close();
    const page = await browser.newPage();
    const save = async (name: string, shoot: (path: string) => Promise<unknown>) => {
      const path = join(out, name);
      await shoot(path);
      console.log(`saved ${path} (${Math.round(statSync(path).size / 1024)} KB)`);
    };

    // 1. The analysis page with one result, then a batch.
    await page.goto(`${gateway.url}/`);
    await page.locator('#single-text').fill('I love the new update @devteam, everything is so much faster! https://t.co/x');
    await page.locator('#single-form button[type=submit]').click();
    await page.locator('#single-result .sentiment').waitFor();
    await save('web-ui-single.png', (path) => page.locator('main section').first().screenshot({ path }));
    await page.locator('#batch-text').fill(['Best concert of my life, thank you all', 'The train is late again, this is ridiculous', 'The meeting is moved to 3pm on Tuesday', 'Terrible food and rude staff, never again'].join('\n'));
    await page.locator('#batch-form button[type=submit]').click();
    await waitFor(async () => (await page.locator('#batch-result li').count()) === 4 || undefined, { what: 'the batch results' });
    await page.locator('#copy-csv').click();
    await save('web-ui-batch.png', (path) => page.locator('main section').nth(1).screenshot({ path }));

    // 2. Traffic, an evaluation and a drift run (reference: the labelled set; current: this run's traffic).
    await page.goto(`${gateway.url}/admin/dashboard`);
    await page.locator('#api-key').fill(OPERATOR_KEY);
    for (let round = 0; round < 8; round++) {
      const texts = LABELLED.slice(round * 3, round * 3 + 2 + (round % 4) * 3).map(([text]) => text);
      if (texts.length > 0) await api('POST', '/api/v1/sentiment/batch', { texts });
      await api('POST', '/api/v1/sentiment', { text: LABELLED[(round * 7) % LABELLED.length][0] });
      await page.locator('#refresh').click();
      await page.waitForTimeout(700);
    }
    const evaluations = [
      await api('POST', '/api/v1/evaluate?dataset=tweet_eval&split=test&samples=90&sampling=first'),
      await api('POST', '/api/v1/evaluate?dataset=tweet_eval&split=test&samples=45&sampling=stratified&seed=7'),
    ];
    const drift = await api('POST', '/api/v1/drift/run', { reference: { dataset: 'tweet_eval', split: 'test', samples: 90 }, current: { from: started.toISOString(), to: new Date(Date.now() + 60_000).toISOString() } });
    for (const { jobId } of evaluations) await waitFor(async () => ['completed', 'failed'].includes((await api('GET', `/api/v1/evaluations/${jobId}`)).status) || undefined, { timeoutMs: 120_000, intervalMs: 500, what: `evaluation ${jobId}` });
    await waitFor(async () => ['completed', 'failed'].includes((await api('GET', `/api/v1/drift/reports/${drift.reportId}`)).status) || undefined, { timeoutMs: 120_000, intervalMs: 500, what: `drift report ${drift.reportId}` });

    // 3. The dashboard: charts, then the history with one run's details, the drift report and alerts.
    await page.locator('#refresh').click();
    await page.locator('#drift-figure').waitFor({ timeout: 30_000 }).catch(() => console.warn('the drift report has no figure (it failed?)'));
    await page.locator(`#evaluations-body tr[data-id="${evaluations[0].jobId}"] a`).click();
    await page.locator('#confusion-matrix').waitFor();
    await save('dashboard-charts.png', (path) => page.locator('.charts').screenshot({ path }));
    await save('dashboard-evaluations.png', (path) => page.locator('main > section').first().screenshot({ path }));
    await save('dashboard-drift.png', (path) => page.locator('main > section').nth(1).screenshot({ path }));
  } finally {
    await closeBrowser();
    for (const service of services.reverse()) await service.stop('SIGTERM');
    await database.drop();
    await deleteKeys(prefix);
    rmSync(datasetsDir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? `screenshots: ${error.message}` : error);
  process.exit(1);
});
