import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { waitFor } from '@sentiment-ops/testing';

const asset = (name: string) => readFileSync(join(__dirname, '../assets/ui', name), 'utf8');
const report = (f1: number) => ({
  samples: 3,
  accuracy: f1 + 0.01,
  macroPrecision: f1,
  macroRecall: f1,
  macroF1: f1,
  perClass: Object.fromEntries(['negative', 'neutral', 'positive'].map((label) => [label, { precision: f1, recall: f1, f1, support: 1 }])),
  confusionMatrix: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
});
const run = (id: string, createdAt: string, model: string, dataset: string, f1: number | null) => ({
  id,
  createdAt,
  resolvedModel: model,
  modelName: null,
  dataset,
  split: 'test',
  samples: 3,
  samplesEvaluated: f1 === null ? null : 3,
  status: f1 === null ? 'queued' : 'completed',
  progress: 0,
  report: f1 === null ? null : report(f1),
});
const RUNS = [
  run('a', '2026-11-29T10:00:00Z', 'lite', 'tweet_eval', 0.6),
  run('b', '2026-11-29T12:00:00Z', 'lite', 'tweet_eval', 0.7),
  run('c', '2026-11-29T11:00:00Z', 'roberta', 'mteb/amazon_reviews_multi', 0.5),
  run('d', '2026-11-29T13:00:00Z', 'roberta', 'tweet_eval', null),
];

/** The dashboard's history script in jsdom, answering the evaluation list with RUNS. */
const open = () => {
  const html = asset('dashboard.html').replace(/<script src="[^"]*"><\/script>/g, '');
  const dom = new JSDOM(html, { url: 'http://gateway.test/admin/dashboard', runScripts: 'dangerously' });
  const window = dom.window as unknown as { eval(source: string): unknown; fetch: unknown; document: Document };
  window.fetch = async (target: string) => {
    const body = String(target).includes('/api/v1/evaluations') ? { items: RUNS } : { items: [] };
    return { ok: true, status: 200, headers: { get: () => null }, json: async () => body };
  };
  for (const script of ['api-key.js', 'dashboard-runs.js']) window.eval(asset(script));
  window.eval('window.sentimentOpsRuns.refresh()');
  return { dom, document: window.document };
};

describe('dashboard evaluation history (assets/ui/dashboard-runs.js)', () => {
  let page: ReturnType<typeof open>;
  beforeEach(() => (page = open()));
  afterEach(() => page.dom.window.close());

  const ids = () => [...page.document.querySelectorAll('#evaluations-body tr')].map((row) => (row as HTMLElement).dataset['id']);
  const sortBy = (key: string) => (page.document.querySelector(`#evaluations th button[data-sort="${key}"]`) as HTMLButtonElement).click();
  const sortState = (key: string) => page.document.querySelector(`#evaluations th button[data-sort="${key}"]`)?.parentElement?.getAttribute('aria-sort');

  it('lists the newest run first and sorts by a column, toggling the direction', async () => {
    await waitFor(() => ids().length === 4 || undefined, { what: 'the history rows' });
    expect(ids()).toEqual(['d', 'b', 'c', 'a']);
    sortBy('macroF1');
    expect(ids()).toEqual(['d', 'c', 'a', 'b']); // ascending; a run without a report sorts lowest
    expect([sortState('macroF1'), sortState('createdAt')]).toEqual(['ascending', null]);
    sortBy('macroF1');
    expect(ids()).toEqual(['b', 'a', 'c', 'd']);
    expect(sortState('macroF1')).toBe('descending');
    sortBy('model');
    expect(ids().slice(0, 2).sort()).toEqual(['a', 'b']);
  });

  it('shows the newest completed run of each model × dataset, linked to its details', async () => {
    await waitFor(() => page.document.querySelector('#evaluations-matrix table') || undefined, { what: 'the matrix' });
    const rows = [...page.document.querySelectorAll('#evaluations-matrix tr')].map((row) => [...row.children].map((cell) => cell.textContent));
    expect(rows).toEqual([
      ['model \\ dataset', 'mteb/amazon_reviews_multi (test)', 'tweet_eval (test)'],
      ['lite', '—', 'F1 0.700 · acc 0.710'],
      ['roberta', 'F1 0.500 · acc 0.510', '—'],
    ]);
    expect(page.document.querySelector('#evaluations-matrix a')?.getAttribute('href')).toBe('/admin/dashboard#evaluation=b');
  });
});
