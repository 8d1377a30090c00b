import type { DriftReportResult, FeatureDriftResult, SharedHistogram } from '@sentiment-ops/contracts';
import type { TopLevelSpec } from 'vega-lite';
import type { PositionFieldDef } from 'vega-lite/build/src/channeldef';
import type { NonNormalizedSpec } from 'vega-lite/build/src/spec';
import type { TitleParams } from 'vega-lite/build/src/title';
import { formatScore, formatUtc, shorten, signed } from './format';
import { messageFigureSpec } from './message-figure';
import { BASE_CONFIG, renderVegaLite, type PngOptions } from './render';

export interface DriftFigureMeta {
  id: string;
  createdAt: string;
}

type Panel = NonNormalizedSpec;

const PANEL_WIDTH = 250;
const PANEL_HEIGHT = 130;
const PANELS_PER_ROW = 3;
const WINDOW_COLOURS = { domain: ['reference', 'current'], range: ['#4c78a8', '#f58518'] };
const STATE_COLOURS = { domain: ['drift', 'no drift', 'insufficient data'], range: ['#d62728', '#4c78a8', '#9e9e9e'] };
const P_VALUE_TESTS = new Set(['ks', 'chi_square']);
/** Smallest p-value drawn on the log axis; smaller ones (and exact zeros) sit on its left edge. */
const MIN_PLOTTED_P = 1e-12;

type FeatureState = 'drift' | 'no drift' | 'insufficient data';

function featureState(feature: FeatureDriftResult): FeatureState {
  if (feature.status === 'insufficient_data' || feature.drifted === null || feature.score === null) return 'insufficient data';
  return feature.drifted ? 'drift' : 'no drift';
}

function verdict(feature: FeatureDriftResult): string {
  const state = featureState(feature);
  if (state === 'insufficient data') return `${feature.test}: insufficient data`;
  return `${feature.test} ${formatScore(feature.score as number)} · ${state === 'drift' ? 'DRIFT' : 'no drift'}`;
}

function panelTitle(feature: FeatureDriftResult): TitleParams<never> {
  return {
    text: feature.feature,
    subtitle: verdict(feature),
    fontSize: 13,
    subtitleFontSize: 11,
    color: featureState(feature) === 'drift' ? '#d62728' : '#222',
  };
}

/** A panel that explains why there is nothing to plot (never an empty axis that looks like zero). */
function insufficientPanel(feature: FeatureDriftResult, name: string): Panel {
  return {
    name,
    title: panelTitle(feature),
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    data: { values: [{ line: 'insufficient data' }, { line: `reference ${feature.referenceRows} rows, current ${feature.currentRows} rows` }] },
    mark: { type: 'text', fontSize: 12, color: '#757575' },
    encoding: { y: { field: 'line', type: 'nominal', axis: null, sort: null }, text: { field: 'line', type: 'nominal' } },
  };
}

/** Bins as shares of each window, so a 12-hour window compares with a 7-day one. */
export function histogramShares(histogram: SharedHistogram): Array<{ window: string; start: number; end: number; share: number }> {
  const rows: Array<{ window: string; start: number; end: number; share: number }> = [];
  for (const window of ['reference', 'current'] as const) {
    const counts = histogram[window];
    const total = counts.reduce((sum, count) => sum + count, 0);
    if (total === 0) continue;
    counts.forEach((count, index) => {
      rows.push({ window, start: histogram.edges[index], end: histogram.edges[index + 1], share: count / total });
    });
  }
  return rows;
}

function histogramPanel(feature: FeatureDriftResult): Panel {
  const name = `histogram_${feature.feature}`;
  const values = feature.histogram ? histogramShares(feature.histogram) : [];
  if (values.length === 0) return insufficientPanel(feature, name);
  return {
    name,
    title: panelTitle(feature),
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    data: { values },
    mark: { type: 'bar', opacity: 0.55, binSpacing: 0 },
    encoding: {
      x: { field: 'start', type: 'quantitative', title: null, scale: { zero: false, nice: false } },
      x2: { field: 'end' },
      y: { field: 'share', type: 'quantitative', title: 'share of rows', stack: null, axis: { format: '.0%' } },
      y2: { datum: 0 },
      color: { field: 'window', type: 'nominal', title: 'window', scale: WINDOW_COLOURS },
    },
  };
}

function labelPanel(feature: FeatureDriftResult): Panel {
  const name = 'labels_predicted_label';
  const values: Array<{ window: string; label: string; share: number }> = [];
  for (const window of ['reference', 'current'] as const) {
    const counts = feature.counts?.[window];
    const total = counts ? Object.values(counts).reduce((sum, count) => sum + count, 0) : 0;
    if (!counts || total === 0) continue;
    for (const [label, count] of Object.entries(counts)) values.push({ window, label, share: count / total });
  }
  if (values.length === 0) return insufficientPanel(feature, name);
  return {
    name,
    title: panelTitle(feature),
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'label', type: 'nominal', title: null, axis: { labelAngle: 0 }, sort: ['negative', 'neutral', 'positive'] },
      xOffset: { field: 'window', type: 'nominal', sort: WINDOW_COLOURS.domain },
      y: { field: 'share', type: 'quantitative', title: 'share of predictions', axis: { format: '.0%' } },
      // The histograms' legend already names the windows.
      color: { field: 'window', type: 'nominal', title: 'window', scale: WINDOW_COLOURS, legend: null },
    },
  };
}

/**
 * Scores against thresholds for one family of tests. p-values (drift below the threshold) use a
 * log axis; distances (drift at or above it) a linear one. The tick is each feature's threshold.
 */
function scorePanel(features: FeatureDriftResult[], family: 'p-value' | 'distance'): Panel {
  const isPValue = family === 'p-value';
  const values = features.map((feature) => {
    const state = featureState(feature);
    const score = state === 'insufficient data' ? null : (feature.score as number);
    return {
      feature: `${feature.feature} (${feature.test})`,
      state,
      threshold: feature.threshold,
      plotted: score === null ? null : isPValue ? Math.max(score, MIN_PLOTTED_P) : score,
      label: score === null ? 'insufficient data' : `${formatScore(score)}${state === 'drift' ? ' DRIFT' : ''}`,
    };
  });
  // A non-finite score must not stretch the axis to infinity and blank the panel; it is clamped to the edge.
  const plottedScores = values.flatMap((value) => (value.plotted !== null && Number.isFinite(value.plotted) ? [value.plotted] : []));
  const thresholds = values.map((value) => value.threshold);
  const domain = isPValue
    ? [Math.min(1e-4, ...plottedScores.map((score) => score / 10)), 1]
    : [0, Math.max(0.2, ...thresholds.map((threshold) => threshold * 1.5), ...plottedScores.map((score) => score * 1.25))];
  const x: PositionFieldDef<string> = {
    type: 'quantitative',
    title: isPValue ? 'p-value (log scale; drift below the tick)' : 'distance (drift at or above the tick)',
    scale: isPValue ? { type: 'log', domain, clamp: true } : { domain, clamp: true },
  };
  const y: PositionFieldDef<string> = { field: 'feature', type: 'nominal', title: null, sort: null, axis: { labelLimit: 260 } };
  const scored = { filter: "datum.state !== 'insufficient data'" };
  return {
    name: `scores_${isPValue ? 'p_value' : 'distance'}`,
    title: { text: isPValue ? 'p-value tests (KS, chi-square)' : 'distance tests (Wasserstein, Jensen-Shannon)', fontSize: 13 },
    width: 330,
    height: { step: 26 },
    data: { values },
    layer: [
      isPValue
        ? { transform: [scored], mark: { type: 'point', filled: true, size: 90 }, encoding: { x: { ...x, field: 'plotted' }, y, color: { field: 'state', type: 'nominal', title: 'verdict', scale: STATE_COLOURS } } }
        : { transform: [scored], mark: { type: 'bar', height: 14 }, encoding: { x: { ...x, field: 'plotted' }, y, color: { field: 'state', type: 'nominal', title: 'verdict', scale: STATE_COLOURS } } },
      { mark: { type: 'tick', color: '#111', thickness: 2, size: 20 }, encoding: { x: { ...x, field: 'threshold' }, y } },
      {
        mark: { type: 'text', align: 'left', dx: 8, fontSize: 11, color: '#333' },
        encoding: {
          // Unscored features are written at the left edge instead of being drawn as a zero.
          x: { ...x, field: 'plotted' },
          y,
          text: { field: 'label', type: 'nominal' },
        },
        transform: [{ calculate: `datum.plotted === null ? ${domain[0]} : datum.plotted`, as: 'plotted' }],
      },
    ],
  };
}

function windowLine(name: string, window: DriftReportResult['reference']): string {
  const span = window.from && window.to ? `, ${formatUtc(window.from)} – ${formatUtc(window.to)}` : '';
  return `${name}: ${shorten(window.description, 50)} (${window.rows} rows${span})`;
}

function headerLines(result: DriftReportResult, meta: DriftFigureMeta): string[] {
  const { dataset, estimatedAccuracy } = result;
  const lines = [
    `${formatUtc(meta.createdAt)} · model ${shorten(result.model ?? 'all models', 50)}`,
    windowLine('reference', result.reference),
    windowLine('current', result.current),
    dataset.status === 'ok' && dataset.drifted !== null
      ? `dataset drift: ${dataset.drifted ? 'YES' : 'no'} (${dataset.driftedFeatures} of ${dataset.evaluatedFeatures} features drifted, threshold ${Math.round(dataset.threshold * 100)}%)`
      : 'dataset drift: insufficient data',
  ];
  if (estimatedAccuracy.status === 'ok' && estimatedAccuracy.reference !== null && estimatedAccuracy.current !== null) {
    const delta = estimatedAccuracy.delta === null ? '' : ` (${signed(estimatedAccuracy.delta)})`;
    lines.push(`estimated accuracy (calibrated confidence): reference ${estimatedAccuracy.reference.toFixed(3)} → current ${estimatedAccuracy.current.toFixed(3)}${delta}`);
  } else {
    const reason = estimatedAccuracy.reason ? ` (${shorten(estimatedAccuracy.reason, 80)})` : '';
    lines.push(`estimated accuracy: ${estimatedAccuracy.status === 'ok' ? 'no estimate' : estimatedAccuracy.status.replace('_', ' ')}${reason}`);
  }
  for (const performance of result.performance.filter((item) => item.status === 'ok').slice(0, 3)) {
    if (performance.accuracyDelta === null || performance.macroF1Delta === null) continue;
    lines.push(
      `${shorten(performance.model)} on ${performance.dataset}/${performance.split}, latest evaluation vs earlier ones: ` +
        `Δ accuracy ${signed(performance.accuracyDelta)}, Δ macro-F1 ${signed(performance.macroF1Delta)}`,
    );
  }
  return lines;
}

function inRows(panels: Panel[]): Panel[] {
  const rows: Panel[] = [];
  for (let start = 0; start < panels.length; start += PANELS_PER_ROW) rows.push({ hconcat: panels.slice(start, start + PANELS_PER_ROW) });
  return rows;
}

/**
 * Distributions (reference vs current) per feature, then the drift scores against their
 * thresholds. A result where nothing could be judged becomes a figure that says so.
 */
export function driftFigureSpec(result: DriftReportResult, meta: DriftFigureMeta): TopLevelSpec {
  const title = `Drift report ${meta.id}`;
  const subtitle = headerLines(result, meta);
  if (result.features.length === 0 || result.features.every((feature) => featureState(feature) === 'insufficient data')) {
    const lines = result.features.length === 0
      ? ['No features were measured.']
      : [
          'Not enough data to judge drift on any feature:',
          ...result.features.map((feature) => `  ${feature.feature}: insufficient data (reference ${feature.referenceRows} rows, current ${feature.currentRows} rows)`),
        ];
    return messageFigureSpec(title, subtitle, lines);
  }
  const distributionPanels = result.features.map((feature) => (feature.kind === 'numeric' ? histogramPanel(feature) : labelPanel(feature)));
  const scorePanels = [
    { family: 'p-value' as const, features: result.features.filter((feature) => P_VALUE_TESTS.has(feature.test)) },
    { family: 'distance' as const, features: result.features.filter((feature) => !P_VALUE_TESTS.has(feature.test)) },
  ]
    .filter((group) => group.features.length > 0)
    .map((group) => scorePanel(group.features, group.family));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: { ...BASE_CONFIG, concat: { spacing: 28 } },
    title: { text: title, subtitle },
    vconcat: [...inRows(distributionPanels), { hconcat: scorePanels }],
    resolve: { scale: { color: 'independent' } },
  };
}

export async function renderDriftFigure(result: DriftReportResult, meta: DriftFigureMeta, options?: PngOptions): Promise<Buffer> {
  return (await renderVegaLite(driftFigureSpec(result, meta), options)).png;
}
