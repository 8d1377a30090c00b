import type { EvaluationRunRepository } from '@sentiment-ops/persistence';
import type { EvaluationMetrics } from '@sentiment-ops/metrics';

/** Puts the latest result of every (model, dataset, split) back on the gauges after a restart. */
export const restoreEvaluationGauges = async (runs: EvaluationRunRepository, metrics: EvaluationMetrics): Promise<number> => {
  const latest = await runs.latestCompletedPerTarget();
  for (const run of latest) {
    const modelName = run.resolvedModel ?? run.modelName;
    if (run.report && modelName) metrics.recordReport({ modelName, dataset: run.dataset, split: run.split }, run.report);
  }
  return latest.length;
};
