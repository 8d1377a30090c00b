import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { SENTIMENT_LABELS, type ClassificationReport } from '@sentiment-ops/contracts';

// The reference system's evaluation gauges, same names and labels (dashboards depend on them).
export const EVALUATION_METRIC = {
  accuracy: 'model_accuracy',
  precision: 'model_precision',
  recall: 'model_recall',
  f1: 'model_f1',
  confusionMatrix: 'model_confusion_matrix',
  jobsTotal: 'evaluation_jobs_total',
  jobDurationSeconds: 'evaluation_job_duration_seconds',
  queueJobs: 'evaluation_queue_jobs',
} as const;

type TargetLabels = 'model_name' | 'dataset' | 'split';
type ClassLabels = TargetLabels | 'class_label' | 'average';

export interface EvaluationTarget {
  modelName: string;
  dataset: string;
  split: string;
}

export const createEvaluationMetrics = (registry: Registry) => {
  const accuracy = new Gauge<TargetLabels>({ name: EVALUATION_METRIC.accuracy, help: 'Accuracy of the latest evaluation', labelNames: ['model_name', 'dataset', 'split'], registers: [registry] });
  const classGauge = (name: string, what: string) =>
    new Gauge<ClassLabels>({ name, help: `${what} of the latest evaluation, per class or averaged`, labelNames: ['model_name', 'dataset', 'split', 'class_label', 'average'], registers: [registry] });
  const precision = classGauge(EVALUATION_METRIC.precision, 'Precision');
  const recall = classGauge(EVALUATION_METRIC.recall, 'Recall');
  const f1 = classGauge(EVALUATION_METRIC.f1, 'F1 score');
  const confusionMatrix = new Gauge<TargetLabels | 'true_label' | 'predicted_label'>({
    name: EVALUATION_METRIC.confusionMatrix,
    help: 'Confusion matrix counts of the latest evaluation',
    labelNames: ['model_name', 'dataset', 'split', 'true_label', 'predicted_label'],
    registers: [registry],
  });
  const jobsTotal = new Counter<'state'>({ name: EVALUATION_METRIC.jobsTotal, help: 'Evaluation jobs finished by this worker, by final state', labelNames: ['state'], registers: [registry] });
  const jobDuration = new Histogram<'state'>({
    name: EVALUATION_METRIC.jobDurationSeconds,
    help: 'Evaluation job duration by final state',
    labelNames: ['state'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600],
    registers: [registry],
  });

  /** Sets every gauge of one (model, dataset, split) from a report: class_label macro/weighted/negative/neutral/positive. */
  const recordReport = ({ modelName, dataset, split }: EvaluationTarget, report: ClassificationReport): void => {
    const target = { model_name: modelName, dataset, split };
    accuracy.set(target, report.accuracy);
    const averages = [
      { class_label: 'macro', average: 'macro', p: report.macroPrecision, r: report.macroRecall, f: report.macroF1 },
      { class_label: 'weighted', average: 'weighted', p: report.weightedPrecision, r: report.weightedRecall, f: report.weightedF1 },
      ...SENTIMENT_LABELS.map((label) => ({ class_label: label, average: 'none', p: report.perClass[label].precision, r: report.perClass[label].recall, f: report.perClass[label].f1 })),
    ];
    for (const { class_label, average, p, r, f } of averages) {
      precision.set({ ...target, class_label, average }, p);
      recall.set({ ...target, class_label, average }, r);
      f1.set({ ...target, class_label, average }, f);
    }
    SENTIMENT_LABELS.forEach((trueLabel, row) =>
      SENTIMENT_LABELS.forEach((predictedLabel, column) =>
        confusionMatrix.set({ ...target, true_label: trueLabel, predicted_label: predictedLabel }, report.confusionMatrix[row][column]),
      ),
    );
  };

  return { accuracy, precision, recall, f1, confusionMatrix, jobsTotal, jobDuration, recordReport };
};

export type EvaluationMetrics = ReturnType<typeof createEvaluationMetrics>;

/** BullMQ queue depth by job state, read at scrape time. */
export const createQueueDepthMetric = (registry: Registry, readCounts: () => Promise<Record<string, number>>) =>
  new Gauge<'queue' | 'state'>({
    name: EVALUATION_METRIC.queueJobs,
    help: 'Jobs in the evaluation queue by state (waiting, active, delayed, failed, completed)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const counts = await readCounts().catch(() => ({}) as Record<string, number>);
      for (const [state, count] of Object.entries(counts)) this.set({ queue: 'evaluation', state }, count);
    },
  });
