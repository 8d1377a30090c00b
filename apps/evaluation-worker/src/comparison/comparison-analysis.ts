import type { ComparisonDelta, ComparisonEntry, ComparisonTarget, EvaluationRun } from '@sentiment-ops/contracts';
import { cell, num, signed } from '../monitoring/markdown-cells';

/** A child as the parent finds it: its run row, and BullMQ's failure reason when the row never got one. */
export function toEntry(target: ComparisonTarget, runId: string, run: EvaluationRun | null, failure: string | undefined): ComparisonEntry {
  const completed = run?.status === 'completed' && run.report;
  const status: ComparisonEntry['status'] = completed ? 'completed' : run?.status === 'cancelled' ? 'cancelled' : run?.status === 'failed' || failure ? 'failed' : 'missing';
  return {
    ...target,
    runId,
    status,
    resolvedModel: run?.resolvedModel ?? null,
    accuracy: completed ? run.report!.accuracy : null,
    macroF1: completed ? run.report!.macroF1 : null,
    macroRecall: completed ? run.report!.macroRecall : null,
    samplesEvaluated: run?.samplesEvaluated ?? null,
    error: status === 'completed' ? null : (run?.error ?? failure ?? `evaluation run is ${run?.status ?? 'missing'}`),
  };
}

/** The model as configured (a registry reference reads better than its folder), else the one that answered. */
const modelLabel = (entry: ComparisonEntry): string => entry.model ?? entry.resolvedModel ?? 'default';

/** Candidate minus production on every dataset/split both completed; incomplete children are left out (the report says so). */
export function comparisonDeltas(entries: readonly ComparisonEntry[]): ComparisonDelta[] {
  const deltas: ComparisonDelta[] = [];
  for (const candidate of entries.filter((entry) => entry.role === 'candidate' && entry.status === 'completed')) {
    const baseline = entries.find((entry) => entry.role === 'production' && entry.status === 'completed' && entry.dataset === candidate.dataset && entry.split === candidate.split);
    if (!baseline) continue;
    deltas.push({
      dataset: candidate.dataset,
      split: candidate.split,
      baseline: modelLabel(baseline),
      candidate: modelLabel(candidate),
      accuracyDelta: (candidate.accuracy as number) - (baseline.accuracy as number),
      macroF1Delta: (candidate.macroF1 as number) - (baseline.macroF1 as number),
    });
  }
  return deltas;
}

/** The comparison report as Markdown: every child's scores, the deltas, and any child that did not complete. */
export function renderComparisonMarkdown(report: { id: string; createdAt: string; trigger: string }, entries: readonly ComparisonEntry[], deltas: readonly ComparisonDelta[]): string {
  const incomplete = entries.filter((entry) => entry.status !== 'completed');
  const lines = [`# Model evaluation report: ${report.createdAt.slice(0, 16).replace('T', ' ')} UTC`, ''];
  lines.push(`Report \`${report.id}\` · trigger ${report.trigger} · ${entries.length - incomplete.length} of ${entries.length} evaluations completed`, '');
  if (incomplete.length > 0) lines.push(`> **Partial report**: ${incomplete.length} evaluation(s) did not complete; they are listed below and left out of the comparison.`, '');
  lines.push('## Results', '', '| Role | Model | Dataset | Samples | Accuracy | Macro-F1 | Macro recall | Status |', '|---|---|---|---|---|---|---|---|');
  for (const entry of entries) {
    lines.push(`| ${entry.role} | ${cell(modelLabel(entry))} | ${cell(`${entry.dataset}/${entry.split}`)} | ${entry.samplesEvaluated ?? entry.samples} | ${num(entry.accuracy)} | ${num(entry.macroF1)} | ${num(entry.macroRecall)} | ${entry.status} |`);
  }
  lines.push('', '## Candidate vs production', '');
  if (deltas.length === 0) {
    const candidates = entries.some((entry) => entry.role === 'candidate');
    lines.push(candidates ? 'No dataset where both the candidate and the production model completed.' : 'No candidate model configured (MODEL_EVALUATION_CANDIDATE_MODEL).');
  } else {
    lines.push('| Dataset | Production | Candidate | Δ accuracy | Δ macro-F1 | Analysis |', '|---|---|---|---|---|---|');
    for (const delta of deltas) {
      const analysis = delta.accuracyDelta > 0 ? `improvement: the candidate gains ${(100 * delta.accuracyDelta).toFixed(2)} accuracy points` : delta.accuracyDelta < 0 ? `regression: the candidate loses ${(100 * -delta.accuracyDelta).toFixed(2)} accuracy points` : 'no change in accuracy';
      lines.push(`| ${cell(`${delta.dataset}/${delta.split}`)} | ${cell(delta.baseline)} | ${cell(delta.candidate)} | ${signed(delta.accuracyDelta)} | ${signed(delta.macroF1Delta)} | ${analysis} |`);
    }
  }
  if (incomplete.length > 0) {
    lines.push('', '## Evaluations that did not complete', '', '| Role | Model | Dataset | Run | Status | Error |', '|---|---|---|---|---|---|');
    for (const entry of incomplete) lines.push(`| ${entry.role} | ${cell(modelLabel(entry))} | ${cell(`${entry.dataset}/${entry.split}`)} | \`${entry.runId}\` | ${entry.status} | ${cell(entry.error ?? '')} |`);
  }
  lines.push('', '## Figure', '', `![Accuracy and macro-F1 per model and dataset](${report.id}.png)`, '');
  return lines.join('\n');
}
