import type { EvaluationRun, PerformanceDriftResult } from '@sentiment-ops/contracts';

export interface PerformanceThresholds {
  /** Alert when |Δ accuracy| exceeds this (the reference system's alert_accuracy_drop, 0.10). */
  accuracy: number;
  /** Alert when |Δ macro-F1| exceeds this (the reference system's alert_f1_drop, 0.08). */
  macroF1: number;
}

export const DEFAULT_PERFORMANCE_THRESHOLDS: PerformanceThresholds = { accuracy: 0.1, macroF1: 0.08 };

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Labelled performance drift: per (model, dataset, split), the latest completed evaluation against
 * the mean of the earlier ones in the window. Groups with a single run are insufficient_data. The
 * model is the one that answered (a run requested as "default" is filed under the model it resolved to).
 */
export function performanceDrift(runs: readonly EvaluationRun[], thresholds: PerformanceThresholds = DEFAULT_PERFORMANCE_THRESHOLDS): PerformanceDriftResult[] {
  const groups = new Map<string, EvaluationRun[]>();
  for (const run of runs) {
    if (run.status !== 'completed' || !run.report || !run.finishedAt) continue;
    const model = run.resolvedModel ?? run.modelName ?? 'default';
    const key = JSON.stringify([model, run.dataset, run.split]);
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, group]) => {
      const [model, dataset, split] = JSON.parse(key) as [string, string, string];
      const ordered = [...group].sort((a, b) => Date.parse(a.finishedAt as string) - Date.parse(b.finishedAt as string));
      const latest = ordered[ordered.length - 1];
      const earlier = ordered.slice(0, -1);
      const current = { runId: latest.id, accuracy: latest.report!.accuracy, macroF1: latest.report!.macroF1, finishedAt: latest.finishedAt as string };
      if (earlier.length === 0) {
        return { model, dataset, split, status: 'insufficient_data' as const, reference: null, current, accuracyDelta: null, macroF1Delta: null, thresholds };
      }
      const reference = {
        runs: earlier.length,
        accuracy: mean(earlier.map((run) => run.report!.accuracy)),
        macroF1: mean(earlier.map((run) => run.report!.macroF1)),
        from: earlier[0].finishedAt as string,
        to: earlier[earlier.length - 1].finishedAt as string,
      };
      return {
        model,
        dataset,
        split,
        status: 'ok' as const,
        reference,
        current,
        accuracyDelta: current.accuracy - reference.accuracy,
        macroF1Delta: current.macroF1 - reference.macroF1,
        thresholds,
      };
    });
}
