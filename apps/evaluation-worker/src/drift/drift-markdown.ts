import type { DriftAlert, DriftReportResult, FeatureDriftResult } from '@sentiment-ops/contracts';
import { cell, num, signed } from '../monitoring/markdown-cells';

const verdict = (drifted: boolean | null): string => (drifted === null ? 'insufficient data' : drifted ? '**DRIFT**' : 'no drift');

const TEST_LABEL: Record<FeatureDriftResult['test'], string> = { ks: 'KS p-value', chi_square: 'chi-square p-value', wasserstein: 'normed Wasserstein', jensen_shannon: 'Jensen-Shannon' };

/** The drift report as Markdown: configuration, verdicts, performance, estimate, alerts and the figure. */
export function renderDriftMarkdown(report: { id: string; createdAt: string; trigger: string }, result: DriftReportResult, alerts: readonly Pick<DriftAlert, 'type' | 'severity' | 'message'>[]): string {
  const lines: string[] = [];
  const { dataset } = result;
  lines.push(`# Drift monitoring report: ${report.createdAt.slice(0, 16).replace('T', ' ')} UTC`, '');
  lines.push(`Report \`${report.id}\` · trigger ${report.trigger} · model ${cell(result.model ?? 'all models')}`, '');
  lines.push('## Windows', '', '| Window | What | From | To | Rows |', '|---|---|---|---|---|');
  for (const [name, window] of [['Reference', result.reference], ['Current', result.current]] as const) {
    lines.push(`| ${name} | ${cell(window.description)} | ${window.from ?? '–'} | ${window.to ?? '–'} | ${window.rows} |`);
  }
  lines.push('', '## Verdict', '');
  lines.push(
    dataset.status === 'insufficient_data'
      ? `**Insufficient data**: a window holds fewer rows than the minimum, so no feature could be judged (this is not "no drift").`
      : `Dataset drift: ${verdict(dataset.drifted)}: ${dataset.driftedFeatures} of ${dataset.evaluatedFeatures} features drifted (share ${num(dataset.share, 2)}, threshold ${dataset.threshold}).`,
    '',
  );
  lines.push('## Features', '', '| Feature | Test | Score | Threshold | PSI | Reference mean | Current mean | Verdict |', '|---|---|---|---|---|---|---|---|');
  for (const feature of result.features) {
    const means = feature.summary ? [num(feature.summary.reference.mean), num(feature.summary.current.mean)] : ['–', '–'];
    lines.push(`| ${feature.feature} | ${TEST_LABEL[feature.test]} | ${num(feature.score, 6)} | ${feature.threshold} | ${num(feature.psi)} | ${means[0]} | ${means[1]} | ${verdict(feature.drifted)} |`);
  }
  const labels = result.features.find((feature) => feature.counts)?.counts;
  if (labels) {
    const share = (counts: Record<string, number>, label: string): string => {
      const total = Object.values(counts).reduce((sum, value) => sum + value, 0);
      return total ? `${((100 * counts[label]) / total).toFixed(1)} %` : 'n/a';
    };
    lines.push('', '### Predicted labels', '', '| Label | Reference | Current |', '|---|---|---|');
    for (const label of ['negative', 'neutral', 'positive']) lines.push(`| ${label} | ${share(labels.reference, label)} | ${share(labels.current, label)} |`);
  }
  lines.push('', '## Performance (labelled evaluations)', '');
  if (result.performance.length === 0) lines.push('No completed evaluation in the windows.');
  else {
    lines.push('| Model | Dataset | Reference accuracy | Current accuracy | Δ accuracy | Reference macro-F1 | Current macro-F1 | Δ macro-F1 |', '|---|---|---|---|---|---|---|---|');
    for (const p of result.performance) {
      lines.push(`| ${cell(p.model)} | ${cell(`${p.dataset}/${p.split}`)} | ${num(p.reference?.accuracy)} | ${num(p.current?.accuracy)} | ${signed(p.accuracyDelta)} | ${num(p.reference?.macroF1)} | ${num(p.current?.macroF1)} | ${signed(p.macroF1Delta)} |`);
    }
    lines.push('', `Thresholds: accuracy ±${result.performance[0].thresholds.accuracy}, macro-F1 ±${result.performance[0].thresholds.macroF1}; a single run is insufficient data.`);
  }
  const estimate = result.estimatedAccuracy;
  lines.push('', '## Estimated accuracy of live traffic (no labels)', '');
  if (estimate.status === 'ok') {
    lines.push(
      `Confidence calibrated on ${estimate.calibration?.dataset}/${estimate.calibration?.split} (${estimate.calibration?.rows} rows, labelled accuracy ${num(estimate.calibration?.accuracy)}, calibration error of raw confidence ${num(estimate.calibration?.expectedCalibrationError)}).`,
      '',
      `| Window | Estimated accuracy | Mean raw confidence |`,
      '|---|---|---|',
      `| Reference | ${num(estimate.reference)} | ${num(estimate.meanConfidence.reference)} |`,
      `| Current | ${num(estimate.current)} | ${num(estimate.meanConfidence.current)} |`,
      '',
      `Change: ${signed(estimate.delta)} (alert below −${estimate.threshold}).`,
    );
  } else lines.push(`Not estimated (${estimate.status.replace('_', ' ')}): ${cell(estimate.reason ?? '')}.`);
  lines.push('', '## Alerts', '');
  if (alerts.length === 0) lines.push('None.');
  else {
    lines.push('| Severity | Type | Message |', '|---|---|---|');
    for (const alert of alerts) lines.push(`| ${alert.severity} | ${alert.type} | ${cell(alert.message)} |`);
  }
  const webhook = result.webhook;
  lines.push('', `Webhook: ${webhook.status.replace('_', ' ')}${webhook.attempts ? ` after ${webhook.attempts} attempt(s)` : ''}${webhook.lastError ? ` (${cell(webhook.lastError)})` : ''}.`);
  lines.push('', '## Figure', '', `![Distributions and drift scores](${report.id}.png)`, '');
  return lines.join('\n');
}
