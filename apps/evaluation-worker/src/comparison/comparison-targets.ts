import type { ComparisonTarget } from '@sentiment-ops/contracts';
import type { WorkerConfig } from '../config/worker.config';

/** The flow's children: the production model on its datasets, the candidate (if configured) on its own. */
export const comparisonTargets = ({ modelEvaluation }: WorkerConfig): ComparisonTarget[] => [
  ...modelEvaluation.productionDatasets.map(({ dataset, split }) => ({ role: 'production' as const, model: modelEvaluation.productionModel, dataset, split, samples: modelEvaluation.samples })),
  ...(modelEvaluation.candidateModel
    ? modelEvaluation.candidateDatasets.map(({ dataset, split }) => ({ role: 'candidate' as const, model: modelEvaluation.candidateModel, dataset, split, samples: modelEvaluation.samples }))
    : []),
];
