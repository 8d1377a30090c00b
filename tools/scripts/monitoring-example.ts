/**
 * `npm run example:monitoring -- [--gateway URL] [--data DIR] [--out DIR] [--reference N] [--current N]`
 *
 * Drives a running stack through both built-in schedules on real data and saves the reports
 * (JSON, Markdown, PNG) under docs/examples/:
 *  1. live traffic: N TweetEval test tweets (the reference window), then N Amazon reviews (the current
 *     window: longer texts, another label mix), through POST /api/v1/sentiment/batch;
 *  2. a fine-tuned candidate (sentiment-lite on Amazon reviews, POST /api/v1/models/fine-tune);
 *  3. the model-evaluation schedule twice (the second run feeds labelled performance drift);
 *  4. a drift run with the two traffic windows (POST /api/v1/drift/run), then its files.
 *
 * Start the stack with the prediction log on every request, ../shared/data and the candidate's name:
 *   KEY=$(openssl rand -hex 32)
 *   API_KEYS=demo:admin:$KEY DATASETS_DIR=../shared/data PREDICTION_LOG_SAMPLE_RATE=1 \
 *     MODEL_ID=sentiment-lite HF_HUB_OFFLINE=1 MODEL_EVALUATION_CANDIDATE_MODEL=sentiment-lite-amazon@candidate npm start
 *   SENTIMENT_OPS_API_KEY=$KEY npm run example:monitoring
 * The texts are never written out: reports hold aggregates only (the Amazon data's licence forbids copies).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SENTIMENT_LIMITS, type ComparisonReport, type DriftReport } from '@sentiment-ops/contracts';
import { seededRandom } from '@sentiment-ops/datasets';
import { parseOptions, UsageError } from './cli-options';

const USAGE = 'usage: SENTIMENT_OPS_API_KEY=<admin key> npm run example:monitoring -- [--gateway http://127.0.0.1:8080] [--data ../shared/data] [--out docs/examples] [--reference 600] [--current 400]';

const readTexts = (file: string, count: number, seed: number): string[] => {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const random = seededRandom(seed);
  const picked = new Set<number>();
  while (picked.size < Math.min(count, lines.length)) picked.add(Math.floor(random() * lines.length));
  return [...picked].map((index) => (JSON.parse(lines[index]) as { text: string }).text);
};

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const main = async (): Promise<void> => {
  const options = parseOptions(process.argv.slice(2), ['gateway', 'data', 'out', 'reference', 'current']);
  const gateway = (options.values['gateway'] ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
  const data = resolve(options.values['data'] ?? '../shared/data');
  const out = resolve(options.values['out'] ?? 'docs/examples');
  const referenceCount = options.integer('reference', 30, 5000, 600);
  const currentCount = options.integer('current', 30, 5000, 400);
  const key = process.env['SENTIMENT_OPS_API_KEY'];
  if (!key) throw new UsageError('SENTIMENT_OPS_API_KEY (an admin key of the running gateway) is not set');
  const tweets = join(data, 'tweeteval_sentiment/test.jsonl');
  const reviews = join(data, 'amazon_reviews_multi_en/test.jsonl');
  if (!existsSync(tweets) || !existsSync(reviews)) throw new UsageError(`${data} lacks tweeteval_sentiment/ or amazon_reviews_multi_en/ (see ../shared/data/README.md)`);

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: any; bytes: Buffer }> => {
    const response = await fetch(`${gateway}${path}`, { method, headers: { 'X-API-Key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const bytes = Buffer.from(await response.arrayBuffer());
    const json = (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(bytes.toString('utf8')) : null;
    if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${bytes.toString('utf8').slice(0, 300)}`);
    return { status: response.status, json, bytes };
  };
  const until = async <T>(path: string, done: (body: any) => boolean, what: string, timeoutMs = 600_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { json } = await call('GET', path);
      if (done(json)) return json as T;
      if (Date.now() > deadline) throw new Error(`${what} did not finish in ${timeoutMs / 1000} s`);
      await sleep(1000);
    }
  };
  const send = async (texts: string[]): Promise<void> => {
    for (let i = 0; i < texts.length; i += 32) await call('POST', '/api/v1/sentiment/batch', {
      texts: texts
        .slice(i, i + 32)
        // The API refuses texts over its limit: long reviews are cut to it (code points, not UTF-16 units).
        .map((text) => Array.from(text).slice(0, SENTIMENT_LIMITS.maxTextCodePoints).join('')),
    });
  };

  console.log(`reference window: ${referenceCount} TweetEval test tweets`);
  const t0 = new Date();
  await send(readTexts(tweets, referenceCount, 1));
  await sleep(1500);
  const t1 = new Date();
  console.log(`current window: ${currentCount} Amazon reviews`);
  await send(readTexts(reviews, currentCount, 2));
  await sleep(1500); // the gateway flushes the prediction log in the background
  const t2 = new Date();

  console.log('fine-tuning the candidate (sentiment-lite on Amazon reviews)');
  const fineTune = await call('POST', '/api/v1/models/fine-tune', { base: 'sentiment-lite', dataset: 'mteb/amazon_reviews_multi', split: 'train', samples: 5000, name: 'sentiment-lite-amazon' });
  const trained = await until<{ status: string; version: number | null; error: string | null }>(fineTune.json.statusUrl, (run) => ['completed', 'failed'].includes(run.status), 'fine-tuning');
  if (trained.status !== 'completed' || trained.version === null) throw new Error(`fine-tuning failed: ${trained.error}`);
  // The worker evaluates whatever version the "candidate" alias points at.
  await call('POST', '/api/v1/models/sentiment-lite-amazon/aliases', { alias: 'candidate', version: trained.version });

  let comparison: ComparisonReport | undefined;
  for (let run = 1; run <= 2; run++) {
    console.log(`model-evaluation schedule, run ${run}`);
    const accepted = await call('POST', '/api/v1/schedules/model-evaluation/run');
    comparison = await until<ComparisonReport>(accepted.json.reportUrl, (report) => ['completed', 'failed'].includes(report.status), 'model evaluation');
  }
  console.log('drift run: TweetEval traffic (reference) vs Amazon traffic (current)');
  const drift = await call('POST', '/api/v1/drift/run', { reference: { from: t0.toISOString(), to: t1.toISOString() }, current: { from: t1.toISOString(), to: t2.toISOString() } });
  const report = await until<DriftReport>(drift.json.statusUrl, (body) => ['completed', 'failed'].includes(body.status) && body.result?.webhook?.status !== 'pending', 'drift run');

  mkdirSync(out, { recursive: true });
  const save = async (name: string, base: string, json: unknown) => {
    writeFileSync(join(out, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
    const markdown = (await call('GET', `${base}.md`)).bytes.toString('utf8');
    const id = (json as { id: string }).id;
    writeFileSync(join(out, `${name}.md`), markdown.replace(`](${id}.png)`, `](${name}.png)`));
    writeFileSync(join(out, `${name}.png`), (await call('GET', `${base}.png`)).bytes);
  };
  await save('model-comparison', `/api/v1/comparisons/${comparison!.id}`, comparison);
  await save('drift-report', `/api/v1/drift/reports/${report.id}`, report);
  const drifted = report.result?.features.filter((feature) => feature.drifted).map((feature) => feature.feature) ?? [];
  console.log(`drift report ${report.id}: drifted ${drifted.join(', ') || 'nothing'}; ${report.alerts.length} alert(s); files in ${out}`);
};

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? `${error.message}\n${USAGE}` : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
