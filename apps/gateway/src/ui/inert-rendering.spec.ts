import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { waitFor } from '@sentiment-ops/testing';

// Hostile text as the gateway could echo it back (a user's own text, a label or message from a
// compromised replica): it must show up as text, never become markup or run.
const IMG = '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">';
const SCRIPT = '<script>window.__pwned=(window.__pwned||0)+1</script>';
const PAYLOAD = `${IMG}${SCRIPT}"'&<svg onload=alert(1)>`;

const ASSETS = join(__dirname, '../assets/ui');
const asset = (name: string) => readFileSync(join(ASSETS, name), 'utf8');

interface StubResponse {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

/** The globals of the page that the test replaces or uses. */
interface PageWindow {
  document: Document;
  eval(source: string): unknown;
  fetch: unknown;
  alert: unknown;
}

interface Page {
  dom: JSDOM;
  document: Document;
  requests: { url: string; init?: RequestInit }[];
  alerts: unknown[];
  close(): void;
}

/**
 * Loads a page with its scripts (run in the page, as a browser would) and a fetch that answers
 * `respond`. The <script src> tags are dropped and their files evaluated instead: jsdom fetches
 * nothing here.
 */
const openPage = (html: string, scripts: string[], url: string, respond: (url: string) => StubResponse): Page => {
  const dom = new JSDOM(html.replace(/<script src="[^"]*"><\/script>/g, ''), { url, runScripts: 'dangerously' });
  const window = dom.window as unknown as PageWindow;
  const requests: Page['requests'] = [];
  const alerts: unknown[] = [];
  window.alert = (message: unknown) => alerts.push(message);
  window.fetch = async (target: string | URL, init?: RequestInit) => {
    requests.push({ url: String(target), init });
    const { status, body, text, headers = {} } = respond(String(target));
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    return {
      ok: status >= 200 && status < 300,
      status,
      headers: { get: (name: string) => lower[name.toLowerCase()] ?? null },
      json: async () => (body === undefined ? JSON.parse(text ?? '') : body),
      text: async () => text ?? JSON.stringify(body),
    };
  };
  for (const script of scripts) window.eval(asset(script));
  return { dom, document: window.document, requests, alerts, close: () => dom.window.close() };
};

/** Nothing the payload describes became a node, and nothing it carries ran. */
const expectInert = (page: Page) => {
  const { document } = page;
  expect(document.querySelectorAll('img, svg, script').length).toBe(0);
  expect([...document.querySelectorAll('*')].filter((element) => element.hasAttribute('onerror') || element.hasAttribute('onload'))).toEqual([]);
  expect((page.dom.window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  expect(page.alerts).toEqual([]);
};

const submit = (page: Page, formId: string) => page.document.getElementById(formId)?.dispatchEvent(new page.dom.window.Event('submit', { cancelable: true }));

const text = (page: Page, selector: string) => page.document.querySelector(selector)?.textContent ?? '';

const prediction = (value: string) => ({
  text: value,
  sentiment: PAYLOAD,
  confidence: 0.5,
  probabilities: { negative: 0.25, neutral: 0.25, positive: 0.5 },
});

describe('hostile text renders inertly', () => {
  const pages: Page[] = [];
  const open = (...args: Parameters<typeof openPage>) => {
    const page = openPage(...args);
    pages.push(page);
    return page;
  };
  afterEach(() => pages.splice(0).forEach((page) => page.close()));

  const index = (respond: (url: string) => StubResponse) => open(asset('index.html'), ['api-key.js', 'results.js', 'upload.js', 'app.js'], 'http://gateway.test/', respond);
  const dashboard = (respond: (url: string) => StubResponse, url = 'http://gateway.test/admin/dashboard') =>
    open(asset('dashboard.html'), ['api-key.js', 'dashboard-charts.js', 'dashboard-runs.js', 'dashboard.js'], url, respond);

  it('the checks would notice markup built from the payload', () => {
    // Guards the guard: the same payload through innerHTML does create elements.
    const page = index(() => ({ status: 500 }));
    const scratch = page.document.createElement('div');
    scratch.innerHTML = PAYLOAD;
    page.document.body.append(scratch);
    expect(() => expectInert(page)).toThrow();
  });

  it('web UI: a single prediction echoing a script payload shows it as text', async () => {
    const page = index(() => ({ status: 200, body: prediction(PAYLOAD) }));
    (page.document.getElementById('single-text') as HTMLTextAreaElement).value = PAYLOAD;
    submit(page, 'single-form');
    await waitFor(() => text(page, '#single-result .text') || undefined, { what: 'the rendered result' });
    expect(JSON.parse(String(page.requests[0].init?.body))).toEqual({ text: PAYLOAD });
    expect(text(page, '#single-result .text')).toBe(PAYLOAD);
    expect(text(page, '#single-result .sentiment')).toBe(PAYLOAD);
    expectInert(page);
  });

  it('web UI: a batch echoing payloads shows each as text', async () => {
    const texts = [PAYLOAD, `\u202e${SCRIPT}`, `${IMG}\u0000\u200d`];
    const page = index(() => ({ status: 200, body: { results: texts.map(prediction) } }));
    (page.document.getElementById('batch-text') as HTMLTextAreaElement).value = texts.join('\n');
    submit(page, 'batch-form');
    await waitFor(() => page.document.querySelectorAll('#batch-result li').length === 3 || undefined, { what: 'three rendered results' });
    expect([...page.document.querySelectorAll('#batch-result .text')].map((node) => node.textContent)).toEqual(texts);
    expectInert(page);
  });

  it.each([
    ['a 422 whose detail names the field', 422, { message: PAYLOAD, detail: [{ field: `texts[0]${IMG}`, msg: SCRIPT }] }, {}, `texts[0]${IMG}: ${SCRIPT}`],
    ['a 401 message', 401, { message: PAYLOAD }, {}, PAYLOAD],
    ['a 429 with a hostile Retry-After', 429, { message: PAYLOAD }, { 'Retry-After': IMG }, `retry in ${IMG} s. ${PAYLOAD}`],
  ])('web UI: %s is shown as text', async (_case, status, body, headers, expected) => {
    const page = index(() => ({ status, body, headers }));
    (page.document.getElementById('single-text') as HTMLTextAreaElement).value = 'hello';
    submit(page, 'single-form');
    await waitFor(() => text(page, '#single-error') || undefined, { what: 'the error message' });
    expect(text(page, '#single-error')).toContain(expected);
    expect((page.document.getElementById('single-error') as HTMLElement).hidden).toBe(false);
    expectInert(page);
  });

  it('web UI: an API key holding markup stays a value and is sent as typed', async () => {
    const page = index(() => ({ status: 200, body: prediction('ok') }));
    const input = page.document.getElementById('api-key') as HTMLInputElement;
    input.value = `sk_${IMG}`;
    input.dispatchEvent(new page.dom.window.Event('input'));
    (page.document.getElementById('single-text') as HTMLTextAreaElement).value = 'ok';
    submit(page, 'single-form');
    await waitFor(() => text(page, '#single-result .text') || undefined, { what: 'the rendered result' });
    expect((page.requests[0].init?.headers as Record<string, string>)['X-API-Key']).toBe(`sk_${IMG}`);
    expectInert(page);
  });

  it('dashboard: a refused metrics request shows the server message as text', async () => {
    const page = dashboard(() => ({ status: 403, body: { message: PAYLOAD } }));
    await waitFor(() => text(page, '#error') || undefined, { what: 'the error message' });
    expect(text(page, '#error')).toBe(`Not allowed (403): this API key's role cannot do this. ${PAYLOAD}`);
    expect(page.requests[0].url).toBe('http://gateway.test/admin/dashboard/metrics');
    expectInert(page);
  });

  it('dashboard: metrics carrying hostile label values still show only the figures', async () => {
    const hostile = PAYLOAD.replace(/["\\]/g, '\\$&');
    const metrics = [
      '# HELP sentiment_predictions_total ' + PAYLOAD,
      'sentiment_predictions_total{sentiment="positive"} 3',
      `sentiment_predictions_total{sentiment="${hostile}"} 4`,
      `sentiment_prediction_latency_seconds_sum{x="${hostile}"} 0.5`,
      'sentiment_prediction_latency_seconds_count 2',
      `${PAYLOAD} 12`,
    ].join('\n');
    const page = dashboard(() => ({ status: 200, text: metrics }));
    await waitFor(() => text(page, '#predictions') || undefined, { what: 'the prediction table' });
    expect(text(page, '#predictions')).toContain('Positive predictions3');
    expect(text(page, '#predictions')).toContain('Total predictions7');
    expect(text(page, '#performance')).toBe('Average prediction latency250.00 ms');
    expect(page.document.body.textContent).not.toContain('<img');
    expectInert(page);
  });

  it('dashboard: evaluation history, run details, drift report and alerts carrying payloads show them as text', async () => {
    const id = '0b0e3c2a-1d4f-4f7e-9a55-3e1f2b9c8d70';
    const report = { samples: 3, accuracy: 1, macroPrecision: 1, macroRecall: 1, macroF1: 1, perClass: Object.fromEntries(['negative', 'neutral', 'positive'].map((l) => [l, { precision: 1, recall: 1, f1: 1, support: 1 }])), confusionMatrix: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] };
    const run = { id, createdAt: '2026-11-29T00:00:00Z', resolvedModel: PAYLOAD, modelName: null, modelVersion: IMG, dataset: PAYLOAD, split: SCRIPT, samples: 3, samplesEvaluated: 3, status: 'completed', progress: 1, sampling: 'first', seed: 1, error: PAYLOAD, report };
    const drift = { id, status: 'failed', trigger: PAYLOAD, createdAt: '2026-11-29T00:00:00Z', error: PAYLOAD, result: null };
    const alert = { severity: 'CRITICAL', createdAt: '2026-11-29T00:00:00Z', message: PAYLOAD };
    const page = dashboard((url) => {
      if (url.includes('/api/v1/evaluations/')) return { status: 200, body: run };
      if (url.includes('/api/v1/evaluations')) return { status: 200, body: { items: [run] } };
      if (url.includes('/api/v1/drift/reports')) return { status: 200, body: { items: [drift] } };
      if (url.includes('/api/v1/drift/alerts')) return { status: 200, body: { items: [alert] } };
      return { status: 200, text: '' };
    }, `http://gateway.test/admin/dashboard#evaluation=${id}`);
    await waitFor(() => page.document.querySelector('#confusion-matrix') || undefined, { what: 'the run details' });
    await waitFor(() => page.document.querySelector('#evaluations-body tr') || undefined, { what: 'the history row' });
    await waitFor(() => text(page, '#drift-alerts').includes(PAYLOAD) || undefined, { what: 'the alerts' });
    expect(text(page, '#evaluations-body')).toContain(PAYLOAD);
    expect(text(page, '#evaluation-details')).toContain(`${PAYLOAD} (version ${IMG}) · ${PAYLOAD} / ${SCRIPT}`);
    expect(text(page, '#drift-report')).toContain(`(${PAYLOAD}, `);
    expectInert(page);
  });
});
