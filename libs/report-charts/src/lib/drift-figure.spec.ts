import { NUMERIC_DRIFT_FEATURES } from '@sentiment-ops/contracts';
import { driftResult, insufficientDriftResult, smallWindowDriftResult } from '../test/fixtures';
import { findPanel, hasPngSignature, inkPixels, pngSize, specNames } from '../test/png';
import { driftFigureSpec, histogramShares, renderDriftFigure } from './drift-figure';
import { renderVegaLite } from './render';

const meta = { id: 'drift-7f3a', createdAt: '2026-11-29T22:00:00.000Z' };
type Row = Record<string, unknown>;
const panelValues = (panel: Row | undefined): Row[] => ((panel?.['data'] as { values: Row[] }) ?? { values: [] }).values;

describe('histogramShares', () => {
  it('turns counts into shares per window so windows of different sizes compare', () => {
    const rows = histogramShares({ edges: [0, 1, 2], reference: [30, 10], current: [1, 3] });
    expect(rows).toEqual([
      { window: 'reference', start: 0, end: 1, share: 0.75 },
      { window: 'reference', start: 1, end: 2, share: 0.25 },
      { window: 'current', start: 0, end: 1, share: 0.25 },
      { window: 'current', start: 1, end: 2, share: 0.75 },
    ]);
  });

  it('leaves out an empty window instead of dividing by zero', () => {
    expect(histogramShares({ edges: [0, 1], reference: [0], current: [4] })).toEqual([{ window: 'current', start: 0, end: 1, share: 1 }]);
  });
});

describe('renderDriftFigure', () => {
  it('renders a non-blank PNG of a bounded size for a typical report', async () => {
    const started = performance.now();
    const png = await renderDriftFigure(driftResult(), meta);
    console.log(`drift figure (6 features) rendered in ${Math.round(performance.now() - started)} ms, ${png.length} bytes`);
    expect(hasPngSignature(png)).toBe(true);
    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThan(1500);
    expect(width).toBeLessThan(4000);
    expect(height).toBeGreaterThan(1000);
    expect(height).toBeLessThan(4000);
    expect(inkPixels(png)).toBeGreaterThan(100_000);
  });

  it('has one histogram panel per numeric feature, a label-share panel and a distance panel', async () => {
    const spec = driftFigureSpec(driftResult(), meta);
    const names = specNames(spec);
    expect(names.filter((name) => name.startsWith('histogram_')).sort()).toEqual(NUMERIC_DRIFT_FEATURES.map((feature) => `histogram_${feature}`).sort());
    expect(names).toContain('labels_predicted_label');
    expect(names).toContain('scores_distance');
    expect(names).not.toContain('scores_p_value');
    const { svg } = await renderVegaLite(spec);
    for (const feature of [...NUMERIC_DRIFT_FEATURES, 'predicted_label']) expect(svg).toContain(feature);
    expect(svg).toContain('Drift report drift-7f3a');
    expect(svg).toContain('wasserstein 0.184 · DRIFT');
    expect(svg).toContain('dataset drift: YES (3 of 6 features drifted, threshold 50%)');
    expect(svg).toContain('estimated accuracy (calibrated confidence): reference 0.700 → current 0.580 (-0.120)');
    expect(svg).toContain('cardiffnlp/twitter-roberta-base-sentiment-latest on tweet_eval/test, latest evaluation vs earlier ones: Δ accuracy -0.001, Δ macro-F1 -0.001');
  });

  it('plots shares, and flags the drifted features against their thresholds', () => {
    const spec = driftFigureSpec(driftResult(), meta);
    const confidence = panelValues(findPanel(spec, 'histogram_confidence'));
    const referenceShare = confidence.filter((row) => row['window'] === 'reference').reduce((sum, row) => sum + (row['share'] as number), 0);
    expect(referenceShare).toBeCloseTo(1, 10);
    const scores = panelValues(findPanel(spec, 'scores_distance'));
    expect(scores.filter((row) => row['state'] === 'drift').map((row) => row['feature'])).toEqual([
      'confidence (wasserstein)',
      'prob_neutral (wasserstein)',
      'predicted_label (jensen_shannon)',
    ]);
    expect(scores.every((row) => row['threshold'] === 0.1)).toBe(true);
  });

  it('shows an insufficient feature as such, never as a score of 0', async () => {
    const result = smallWindowDriftResult();
    result.features = result.features.map((feature) => (feature.feature === 'text_length' ? { ...feature, histogram: undefined } : feature));
    const spec = driftFigureSpec(result, meta);
    const textLength = panelValues(findPanel(spec, 'scores_p_value')).find((row) => row['feature'] === 'text_length (ks)');
    expect(textLength).toMatchObject({ state: 'insufficient data', plotted: null, label: 'insufficient data' });
    expect(panelValues(findPanel(spec, 'histogram_text_length'))[0]).toEqual({ line: 'insufficient data' });
    expect(specNames(spec)).not.toContain('scores_distance');
    const { svg, png } = await renderVegaLite(spec);
    expect(svg).toContain('ks: insufficient data');
    expect(svg).toContain('3.2e-9 DRIFT');
    expect(inkPixels(png)).toBeGreaterThan(50_000);
  });

  it('says so instead of throwing when no feature could be judged or none was measured', async () => {
    const insufficient = await renderVegaLite(driftFigureSpec(insufficientDriftResult(), meta));
    expect(insufficient.svg).toContain('Not enough data to judge drift on any feature:');
    expect(insufficient.svg).toContain('confidence: insufficient data (reference 5400 rows, current 0 rows)');
    expect(insufficient.svg).toContain('dataset drift: insufficient data');
    expect(insufficient.svg).toContain('estimated accuracy: insufficient data');
    expect(specNames(driftFigureSpec(insufficientDriftResult(), meta)).filter((name) => name.startsWith('histogram_'))).toEqual([]);

    const none = await renderDriftFigure({ ...insufficientDriftResult(), features: [] }, meta);
    expect(hasPngSignature(none)).toBe(true);
    expect(inkPixels(none)).toBeGreaterThan(1000);
  });

  it('is deterministic: the same result gives the same bytes', async () => {
    const [first, second] = [await renderDriftFigure(driftResult(), meta), await renderDriftFigure(driftResult(), meta)];
    expect(second.equals(first)).toBe(true);
  });
});
