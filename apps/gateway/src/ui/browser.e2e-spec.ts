import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  chromiumAvailable,
  CHROMIUM_PATH,
  createTestDatabase,
  deleteKeys,
  ensureTinyModel,
  launchBrowser,
  startEvaluationWorker,
  startInferenceReplica,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type InferenceReplica,
  type TestBrowser,
  type TestDatabase,
  type WorkerProcess,
} from '@sentiment-ops/testing';
import { migrateDatabase } from '@sentiment-ops/persistence';
import { startGateway, TEST_API_KEYS, TEST_KEYS, type RunningGateway } from '../test/gateway-harness';

const LABELS = ['negative', 'neutral', 'positive'];
const IMG = '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">';
const SCRIPT = '<script>window.__pwned=(window.__pwned||0)+1</script>';
const PAYLOAD = `${IMG}${SCRIPT}<svg onload=alert(1)>`;

// CI sets REQUIRE_BROWSER=1 (and installs Chromium): there a missing binary fails instead of skipping.
const required = process.env['REQUIRE_BROWSER'] === '1';
const available = chromiumAvailable();
if (!available && !required) console.warn(`Skipping the web UI browser suite: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium).`);

const writeDataset = (dir: string): void => {
  const words = ['great', 'awful', 'meeting', 'love', 'hate', 'tuesday'];
  const lines = Array.from({ length: 90 }, (_, i) => JSON.stringify({ text: `${words[i % 6]} ${words[(i * 5) % 6]} ${i}`, label: LABELS[i % 3] }));
  mkdirSync(join(dir, 'tweeteval_sentiment'), { recursive: true });
  writeFileSync(join(dir, 'tweeteval_sentiment', 'test.jsonl'), lines.join('\n') + '\n');
};

/** The web UI and the dashboard in Debian's Chromium against the real stack (gateway, replica, worker, Redis, Postgres). */
(available || required ? describe : describe.skip)('web UI in a real browser (Chromium, playwright-core)', () => {
  const prefix = uniquePrefix('browser');
  let database: TestDatabase;
  let datasetsDir: string;
  let replica: InferenceReplica;
  let worker: WorkerProcess;
  let gateway: RunningGateway;
  let browser: TestBrowser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!available) throw new Error(`REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM_PATH}`);
    const model = await ensureTinyModel();
    database = await createTestDatabase('browser');
    await migrateDatabase(database.url);
    datasetsDir = mkdtempSync(join(tmpdir(), 'browser-datasets-'));
    writeDataset(datasetsDir);
    const shared = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix };
    [replica, worker] = await Promise.all([
      startInferenceReplica({ ...shared, MODEL_ID: model, HF_HUB_OFFLINE: '1', INTRA_OP_THREADS: '1', MODEL_FOLDERS: [tmpdir(), dirname(model)].join(',') }),
      startEvaluationWorker({ ...shared, DATABASE_URL: database.url, DATASETS_DIR: datasetsDir, HF_HUB_OFFLINE: '1' }),
    ]);
    gateway = await startGateway({ ...shared, DATABASE_URL: database.url, API_KEYS: TEST_API_KEYS, AUTH_PUBLIC_PREDICT: 'true', RATE_LIMIT_PER_KEY_PER_MINUTE: '0', RATE_LIMIT_PER_IP_PER_MINUTE: '0' });
    browser = await launchBrowser(gateway.url);
  }, 180_000);

  beforeEach(async () => {
    page = await browser.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterEach(async () => {
    // Nothing ran from a payload, nothing broke the CSP, nothing left the gateway's origin.
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(browser.foreignRequests).toEqual([]);
    await page.close();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await worker?.stop('SIGKILL');
    await replica?.stop();
    await database?.drop();
    await deleteKeys(prefix);
    if (datasetsDir) rmSync(datasetsDir, { recursive: true, force: true });
  });

  const texts = (selector: string) => page.locator(selector).allTextContents();
  /** The first text shown in `selector`; fails with the page's error message if `errorSelector` shows one first. */
  const textOf = (selector: string, errorSelector: string) =>
    waitFor(
      async () => {
        const error = await page.locator(errorSelector).textContent();
        if (error) throw new Error(`the page shows an error: ${error}`);
        return (await page.locator(selector).textContent()) || undefined;
      },
      { what: `text in ${selector}` },
    );

  it('analyses a typed text: sentiment, confidence, a bar per class and the model, by keyboard only', async () => {
    await page.goto(`${gateway.url}/`);
    await page.locator('#single-text').focus();
    await page.keyboard.type('I love the new update!');
    await page.keyboard.press('Tab'); // to the Analyze button
    await page.keyboard.press('Enter');
    await page.locator('#single-result .sentiment').waitFor();
    expect(LABELS).toContain(await page.locator('#single-result .sentiment').textContent());
    expect(await page.locator('#single-result .text').textContent()).toBe('I love the new update!');
    expect(await page.locator('#single-result .confidence').textContent()).toMatch(/^Confidence: \d+\.\d\d%$/);
    expect(await texts('#single-result dt')).toEqual(LABELS);
    const widths = await page.locator('#single-result .bar').evaluateAll((bars) => bars.map((bar) => parseFloat((bar as HTMLElement).style.width)));
    expect(widths).toHaveLength(3);
    expect(widths.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
    expect(await page.locator('#single-model').textContent()).toMatch(/^Model: .+ \(version [0-9a-f]{12}\)$/);
  }, 30_000);

  it('analyses a batch of 3 in input order and copies it as JSON and CSV', async () => {
    const lines = ['Best day ever!', 'The train is late again.', 'The meeting is at 3pm, "room" 2'];
    await page.goto(`${gateway.url}/`);
    await page.locator('#batch-text').fill(lines.join('\n'));
    await page.locator('#batch-form button[type=submit]').click();
    await waitFor(async () => (await page.locator('#batch-result li').count()) === 3 || undefined, { what: 'three results' });
    expect(await texts('#batch-result .text')).toEqual(lines);
    expect(await page.locator('#batch-progress-box').isHidden()).toBe(true); // one request: no progress bar
    await page.locator('#copy-json').click();
    const json = JSON.parse(await page.locator('#export-output').inputValue());
    expect(json.map((r: { text: string }) => r.text)).toEqual(lines);
    await page.locator('#copy-csv').click();
    // The clipboard gets CRLF lines; a textarea's value reports them as LF.
    const csv = (await page.locator('#export-output').inputValue()).trimEnd().split(/\r?\n/);
    expect(csv[0]).toBe('text,sentiment,confidence,p_negative,p_neutral,p_positive');
    expect(csv[3].startsWith('"The meeting is at 3pm, ""room"" 2",')).toBe(true);
    expect(csv).toHaveLength(4);
  }, 30_000);

  it('analyses an uploaded CSV larger than one batch with progress, in file order', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => `row ${i + 1}, with a comma`);
    const csv = 'id,text\n' + rows.map((text, i) => `${i},"${text}"`).join('\n') + '\n';
    await page.goto(`${gateway.url}/`);
    await page.locator('#batch-file').setInputFiles({ name: 'tweets.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByText('tweets.csv: 150 texts (2 requests).').waitFor();
    await page.locator('#batch-form button[type=submit]').click();
    await page.getByText('150 of 150 texts').waitFor();
    expect(await page.locator('#batch-progress-box').isVisible()).toBe(true);
    expect(await texts('#batch-result .text')).toEqual(rows);
  }, 30_000);

  it('shows <script> and <img onerror> payloads as text and never runs them', async () => {
    await page.goto(`${gateway.url}/`);
    await page.locator('#single-text').fill(PAYLOAD);
    await page.locator('#single-form button[type=submit]').click();
    await page.locator('#single-result .text').waitFor();
    expect(await page.locator('#single-result .text').textContent()).toBe(PAYLOAD);
    await page.locator('#batch-text').fill([IMG, SCRIPT, 'plain'].join('\n'));
    await page.locator('#batch-form button[type=submit]').click();
    await waitFor(async () => (await page.locator('#batch-result li').count()) === 3 || undefined, { what: 'three results' });
    expect(await texts('#batch-result .text')).toEqual([IMG, SCRIPT, 'plain']);
    expect(await page.locator('main img, main svg, main script').count()).toBe(0);
    await page.waitForTimeout(300); // an onerror / onload would have fired by now
  }, 30_000);

  it('fits a phone screen: no sideways scrolling on either page', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(`${gateway.url}/`);
    await page.locator('#batch-text').fill(['a rather long line of text '.repeat(8), 'x'.repeat(300)].join('\n')); // one word wider than the screen
    await page.locator('#batch-form button[type=submit]').click();
    await waitFor(async () => (await page.locator('#batch-result li').count()) === 2 || undefined, { what: 'two results' });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBe(0);
    await page.goto(`${gateway.url}/admin/dashboard`);
    await page.locator('#api-key').fill(TEST_KEYS.operator);
    await page.locator('#refresh').click();
    await page.locator('#predictions th').first().waitFor();
    expect(await overflow()).toBe(0);
  }, 30_000);

  it("shows the API's 4xx errors inline, naming the field", async () => {
    await page.goto(`${gateway.url}/`);
    await page.locator('#single-text').fill('   ');
    await page.locator('#single-form button[type=submit]').click();
    await page.locator('#single-error').waitFor();
    expect(await page.locator('#single-error').textContent()).toBe('text: must not be blank');
    // The second text of the batch is over the limit: named by its place in the input.
    await page.locator('#batch-text').fill(['fine', 'x'.repeat(1025)].join('\n'));
    await page.locator('#batch-form button[type=submit]').click();
    await page.locator('#batch-error').waitFor();
    expect(await page.locator('#batch-error').textContent()).toMatch(/^text 2: .*1024/);
    expect(await page.locator('#batch-result li').count()).toBe(0);
  }, 30_000);

  const predictionsCharted = () =>
    page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(id: string): { data: { datasets: { data: number[] }[] } } } }).Chart.getChart('chart-predictions');
      return chart.data.datasets.flatMap((dataset) => dataset.data).reduce((a, b) => a + (b ?? 0), 0);
    });

  it('dashboard: the charts update after predictions', async () => {
    const library = await gateway.get('/ui/vendor/chart.umd.min.js');
    expect([library.status, library.headers.get('content-type'), library.headers.get('cache-control')]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=86400']);
    await page.goto(`${gateway.url}/admin/dashboard`);
    await page.locator('#api-key').fill(TEST_KEYS.operator);
    await page.locator('#refresh').click();
    await page.locator('#predictions th').first().waitFor();
    const before = await predictionsCharted();
    const batch = await gateway.post('/api/v1/sentiment/batch', { texts: ['one', 'two', 'three', 'four'] });
    expect(batch.status).toBe(200);
    await page.locator('#refresh').click();
    // The chart shows the change between samples: exactly the four texts predicted since.
    await waitFor(async () => (await predictionsCharted()) === before + 4 || undefined, { what: 'four more predictions in the chart', timeoutMs: 10_000 });
    // An automatic poll may land between the batch and the click: look at the whole window, not the last point.
    const charted = await page.evaluate(() => {
      const { Chart } = window as unknown as { Chart: { getChart(id: string): { data: { datasets: { data: (number | null)[] }[] } } } };
      const series = (id: string) => Chart.getChart(id).data.datasets.map((dataset) => dataset.data);
      const total = (id: string) => series(id)[0].reduce((a: number, b) => a + (b ?? 0), 0);
      return { latency: series('chart-latency'), batch: series('chart-batch')[0], confidence: total('chart-confidence'), length: total('chart-length') };
    });
    for (const percentile of charted.latency) expect(percentile.some((ms) => typeof ms === 'number' && ms > 0)).toBe(true);
    expect(charted.batch).toContain(4); // one request of four texts in an interval
    expect(charted.confidence).toBeGreaterThanOrEqual(4);
    expect(charted.length).toBeGreaterThanOrEqual(4);
  }, 30_000);

  it('dashboard: an evaluation started there appears in the history, with its confusion matrix', async () => {
    await page.goto(`${gateway.url}/admin/dashboard`);
    await page.locator('#api-key').fill(TEST_KEYS.operator);
    await page.locator('#evaluate-samples').fill('30');
    await page.locator('#evaluate-form button[type=submit]').click();
    const status = await textOf('#evaluate-status', '#evaluations-error');
    const id = /^Evaluation ([0-9a-f-]{36}) queued\.$/.exec(status ?? '')?.[1];
    expect(id).toBeDefined();
    const row = page.locator(`#evaluations-body tr[data-id="${id}"]`);
    await waitFor(
      async () => {
        await page.locator('#refresh').click();
        return (await row.locator('td').nth(4).textContent()) === 'completed' || undefined;
      },
      { what: 'the evaluation completed in the history', timeoutMs: 60_000, intervalMs: 1000 },
    );
    expect(await row.locator('td').nth(2).textContent()).toBe('tweet_eval (test)');
    expect(await row.locator('td').nth(3).textContent()).toBe('30');
    await row.getByRole('link', { name: 'Details' }).click();
    await page.locator('#confusion-matrix').waitFor();
    expect(page.url()).toBe(`${gateway.url}/admin/dashboard#evaluation=${id}`); // a linkable run, still on the dashboard
    const cells = await page.locator('#confusion-matrix tbody td').allTextContents();
    expect(cells).toHaveLength(9);
    expect(cells.map(Number).reduce((a, b) => a + b, 0)).toBe(30);
  }, 90_000);

  it('dashboard: a drift run started there is listed as the newest report', async () => {
    await page.goto(`${gateway.url}/admin/dashboard`);
    await page.locator('#api-key').fill(TEST_KEYS.operator);
    await page.locator('#drift-run').click();
    const status = await textOf('#drift-status', '#drift-error');
    const id = /^Drift run ([0-9a-f-]{36}) queued\.$/.exec(status ?? '')?.[1];
    expect(id).toBeDefined();
    await page.getByText(`Newest report ${id}: `).waitFor();
  }, 30_000);
});
