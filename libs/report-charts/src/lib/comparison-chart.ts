import type { ComparisonEntry, ComparisonReport } from '@sentiment-ops/contracts';
import type { TopLevelSpec } from 'vega-lite';
import type { Encoding } from 'vega-lite/build/src/encoding';
import type { NonNormalizedSpec } from 'vega-lite/build/src/spec';
import { formatUtc, shorten, signed } from './format';
import { messageFigureSpec } from './message-figure';
import { BASE_CONFIG, renderVegaLite, type PngOptions } from './render';

const METRICS = [
  { key: 'accuracy', label: 'accuracy' },
  { key: 'macroF1', label: 'macro-F1' },
] as const;

interface ComparisonBar {
  model: string;
  target: string;
  metric: string;
  value: number;
}

export function modelLabel(entry: Pick<ComparisonEntry, 'resolvedModel' | 'model' | 'role'>): string {
  // As configured (a registry reference reads better than the folder it resolved to), else the model that answered.
  return `${shorten(entry.model ?? entry.resolvedModel ?? 'default model')} (${entry.role})`;
}

const targetLabel = (entry: { dataset: string; split: string }): string => `${entry.dataset}/${entry.split}`;

/** Subtitle lines: how many evaluations made it, which did not and why, and the deltas. */
function comparisonNotes(report: ComparisonReport): string[] {
  const completed = report.entries.filter((entry) => entry.status === 'completed');
  const notes = [`${completed.length} of ${report.entries.length} evaluations completed · report ${report.status}`];
  for (const entry of report.entries.filter((candidate) => candidate.status !== 'completed')) {
    const reason = entry.error ? `: ${shorten(entry.error, 60)}` : '';
    notes.push(`${entry.status.toUpperCase()} ${modelLabel(entry)} on ${targetLabel(entry)}${reason}`);
  }
  for (const delta of report.deltas) {
    notes.push(
      `${shorten(delta.candidate)} vs ${shorten(delta.baseline)} on ${delta.dataset}/${delta.split}: ` +
        `accuracy ${signed(delta.accuracyDelta)}, macro-F1 ${signed(delta.macroF1Delta)}`,
    );
  }
  return notes;
}

export function comparisonTitle(report: ComparisonReport): string {
  return `Model evaluation ${formatUtc(report.createdAt)}`;
}

/** Grouped bars: one column per metric, dataset/split on x, one bar per model, y fixed to 0–1. */
export function comparisonChartSpec(report: ComparisonReport): TopLevelSpec {
  const title = comparisonTitle(report);
  const notes = comparisonNotes(report);
  const bars: ComparisonBar[] = report.entries
    .filter((entry) => entry.status === 'completed')
    .flatMap((entry) =>
      METRICS.flatMap(({ key, label }) => {
        const value = entry[key];
        return value === null ? [] : [{ model: modelLabel(entry), target: targetLabel(entry), metric: label, value }];
      }),
    );
  if (bars.length === 0) {
    const reason = report.entries.length === 0 ? 'The report has no evaluations.' : 'No evaluation completed with scores.';
    return messageFigureSpec(title, [], [reason, ...notes]);
  }
  // One panel per dataset/split (built here rather than by a Vega-Lite facet, so a model that was not
  // evaluated on a dataset leaves no empty slot there), metrics on x, one bar per model.
  const models = [...new Set(bars.map((bar) => bar.model))];
  const targets = [...new Set(bars.map((bar) => bar.target))];
  const panels = targets.map((target, index): NonNormalizedSpec => {
    const values = bars.filter((bar) => bar.target === target);
    const encoding: Encoding<string> = {
      x: { field: 'metric', type: 'nominal', title: null, sort: METRICS.map((metric) => metric.label), axis: { labelAngle: 0, labelFontSize: 12 } },
      xOffset: { field: 'model', type: 'nominal', sort: models },
      y: { field: 'value', type: 'quantitative', title: index === 0 ? 'score' : null, scale: { domain: [0, 1] }, axis: index === 0 ? {} : { labels: false } },
      color: { field: 'model', type: 'nominal', title: 'model', scale: { domain: models }, legend: { orient: 'bottom', columns: 1, labelLimit: 1000 } },
    };
    return {
      name: `comparison_${index}`,
      title: { text: target, fontSize: 13, anchor: 'middle' },
      // With xOffset the step is one bar's width; wider when few models, so the metric labels fit.
      width: { step: Math.max(44, Math.ceil(100 / new Set(values.map((bar) => bar.model)).size)) },
      height: 260,
      data: { values },
      layer: [
        { mark: { type: 'bar' }, encoding },
        { mark: { type: 'text', dy: -6, fontSize: 10 }, encoding: { ...encoding, text: { field: 'value', type: 'quantitative', format: '.3f' } } },
      ],
    };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: BASE_CONFIG,
    title: { text: title, subtitle: notes },
    hconcat: panels,
    resolve: { scale: { color: 'shared', y: 'shared', x: 'independent', xOffset: 'independent' } },
  };
}

export async function renderComparisonChart(report: ComparisonReport, options?: PngOptions): Promise<Buffer> {
  return (await renderVegaLite(comparisonChartSpec(report), options)).png;
}
