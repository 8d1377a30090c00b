import type { ComparisonReport } from '@sentiment-ops/contracts';
import { comparisonReport, partialComparisonReport } from '../test/fixtures';
import { hasPngSignature, inkPixels, pngSize } from '../test/png';
import { comparisonChartSpec, renderComparisonChart } from './comparison-chart';
import { renderVegaLite } from './render';

/** The bars of every dataset/split panel. */
const bars = (report: ComparisonReport) =>
  ((comparisonChartSpec(report) as { hconcat?: Array<{ data: { values: Array<Record<string, unknown>> } }> }).hconcat ?? []).flatMap((panel) => panel.data.values);

describe('renderComparisonChart', () => {
  it('renders a non-blank PNG of a bounded size for a typical report', async () => {
    const started = performance.now();
    const png = await renderComparisonChart(comparisonReport());
    console.log(`comparison chart (3 evaluations) rendered in ${Math.round(performance.now() - started)} ms, ${png.length} bytes`);
    expect(hasPngSignature(png)).toBe(true);
    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThan(600);
    expect(width).toBeLessThan(4000);
    expect(height).toBeGreaterThan(500);
    expect(height).toBeLessThan(2000);
    expect(inkPixels(png)).toBeGreaterThan(20_000);
  });

  it('plots accuracy and macro-F1 of each completed entry on a 0–1 axis, titled with the date', async () => {
    const report = comparisonReport();
    expect(bars(report)).toHaveLength(6);
    expect(bars(report)).toContainEqual({ model: 'sentiment-ops/roberta-finetuned-v3 (candidate)', target: 'amazon_reviews/test', metric: 'macro-F1', value: 0.6121 });
    const panels = (comparisonChartSpec(report) as { hconcat: unknown[] }).hconcat;
    expect(panels.map((panel) => (panel as { title: { text: string } }).title.text)).toEqual(['tweet_eval/test', 'amazon_reviews/test']);
    expect(JSON.stringify(comparisonChartSpec(report))).toContain('"domain":[0,1]');
    const { svg } = await renderVegaLite(comparisonChartSpec(report));
    expect(svg).toContain('Model evaluation 2026-11-29 22:00 UTC');
    expect(svg).toContain('3 of 3 evaluations completed');
    expect(svg).toContain('accuracy +0.022, macro-F1 +0.023');
    expect(svg).toContain('amazon_reviews/test');
  });

  it('leaves failed entries out of the bars and names them in the notes', async () => {
    const report = partialComparisonReport();
    expect(bars(report).map((bar) => bar['target'])).not.toContain('amazon_reviews/test');
    expect(bars(report)).toHaveLength(4);
    const { svg } = await renderVegaLite(comparisonChartSpec(report));
    expect(svg).toContain('2 of 3 evaluations completed');
    expect(svg).toContain('FAILED sentiment-ops/roberta-finetuned-v3 (candidate) on amazon_reviews/test: dataset amazon_reviews/test not found');
  });

  it('says so instead of throwing when there is nothing to plot', async () => {
    const empty = await renderVegaLite(comparisonChartSpec(comparisonReport({ entries: [], deltas: [], runIds: [], targets: [] })));
    expect(empty.svg).toContain('The report has no evaluations.');
    expect(inkPixels(empty.png)).toBeGreaterThan(1000);

    const failed = partialComparisonReport();
    failed.entries = failed.entries.map((entry) => ({ ...entry, status: 'missing', accuracy: null, macroF1: null, error: null }));
    failed.deltas = [];
    const { svg } = await renderVegaLite(comparisonChartSpec(failed));
    expect(svg).toContain('No evaluation completed with scores.');
    expect(svg).toContain('0 of 3 evaluations completed');
    expect(svg).toContain('MISSING cardiffnlp/twitter-roberta-base-sentiment-latest (production) on tweet_eval/test');
  });

  it('is deterministic: the same report gives the same bytes', async () => {
    const [first, second] = [await renderComparisonChart(comparisonReport()), await renderComparisonChart(comparisonReport())];
    expect(second.equals(first)).toBe(true);
  });
});
