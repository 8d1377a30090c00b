import type { ComparisonEntry, ComparisonReport } from '@sentiment-ops/contracts';
import type { TopLevelSpec } from 'vega-lite';
import type { Encoding } from 'vega-lite/build/src/encoding';
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
  return `${shorten(entry.resolvedModel ?? entry.model ?? 'default model')} (${entry.role})`;
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
      `${shorten(delta.candidate, 30)} vs ${shorten(delta.baseline, 30)} on ${delta.dataset}/${delta.split}: ` +
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
  const encoding: Encoding<string> = {
    x: { field: 'target', type: 'nominal', title: 'dataset/split', axis: { labelAngle: 0 } },
    xOffset: { field: 'model', type: 'nominal' },
    y: { field: 'value', type: 'quantitative', title: 'score', scale: { domain: [0, 1] } },
    color: { field: 'model', type: 'nominal', title: 'model', legend: { orient: 'bottom', columns: 1, labelLimit: 480 } },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: BASE_CONFIG,
    title: { text: title, subtitle: notes },
    data: { values: bars },
    facet: { column: { field: 'metric', type: 'nominal', title: null, sort: METRICS.map((metric) => metric.label) } },
    spec: {
      width: { step: 36 },
      height: 260,
      layer: [
        { mark: { type: 'bar' }, encoding: { ...encoding, tooltip: { field: 'value', type: 'quantitative' } } },
        {
          mark: { type: 'text', dy: -6, fontSize: 10 },
          encoding: { ...encoding, text: { field: 'value', type: 'quantitative', format: '.3f' } },
        },
      ],
    },
  };
}

export async function renderComparisonChart(report: ComparisonReport, options?: PngOptions): Promise<Buffer> {
  return (await renderVegaLite(comparisonChartSpec(report), options)).png;
}
