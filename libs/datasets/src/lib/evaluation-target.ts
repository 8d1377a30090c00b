import type { DatasetSource } from './dataset-source';
import { getDataset, unknownSplitError, type DatasetDefinition } from './registry';

export interface EvaluationTarget {
  dataset: DatasetDefinition;
  split: string;
}

/**
 * Resolves the dataset and checks the split exists in this source, so the API can answer 4xx
 * (UNKNOWN_DATASET / UNKNOWN_SPLIT with the valid values) before queueing anything. The reference
 * system silently fell back to the first available split instead.
 */
export const validateEvaluationTarget = async (source: DatasetSource, dataset: string, split: string): Promise<EvaluationTarget> => {
  const definition = getDataset(dataset);
  const splits = await source.splits(definition.name);
  if (!splits.includes(split)) throw unknownSplitError(definition, split, splits, source.kind === 'hub' ? 'hub' : 'local copy');
  return { dataset: definition, split };
};
