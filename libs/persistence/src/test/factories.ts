import { randomUUID } from 'node:crypto';
import type { ClassificationReport, EvaluationParameters } from '@sentiment-ops/contracts';
import type { RegisterModelVersion } from '../lib/model-registry.types';
import type { StartTrainingRun } from '../lib/training-run.types';

export const newRunId = (): string => randomUUID();

export const evaluationParams = (overrides: Partial<EvaluationParameters> = {}): EvaluationParameters => ({
  dataset: 'tweet_eval',
  split: 'test',
  samples: 100,
  sampling: 'stratified',
  seed: 42,
  modelName: 'cardiffnlp/twitter-roberta-base-sentiment-latest',
  ...overrides,
});

/** A self-consistent report of the matrix [[4,1,0],[2,3,1],[0,1,2]] (values as exact fractions). */
export const classificationReportFixture = (overrides: Partial<ClassificationReport> = {}): ClassificationReport => ({
  samples: 14,
  accuracy: 9 / 14,
  macroPrecision: 29 / 45,
  macroRecall: 59 / 90,
  macroF1: 64 / 99,
  weightedPrecision: 67 / 105,
  weightedRecall: 9 / 14,
  weightedF1: 7 / 11,
  perClass: {
    negative: { precision: 4 / 6, recall: 4 / 5, f1: 8 / 11, support: 5 },
    neutral: { precision: 3 / 5, recall: 3 / 6, f1: 6 / 11, support: 6 },
    positive: { precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 },
  },
  confusionMatrix: [
    [4, 1, 0],
    [2, 3, 1],
    [0, 1, 2],
  ],
  zeroDivision: 0,
  ...overrides,
});

/** A registration of `sentiment-lite` with a unique content hash per call. */
export const modelVersionInput = (overrides: Partial<RegisterModelVersion> = {}): RegisterModelVersion => {
  const hash = randomUUID().replace(/-/g, '');
  return {
    name: 'sentiment-lite',
    sourceDataset: 'tweet_eval/sentiment:train',
    trainingParameters: { epochs: 5, learningRate: 0.05, features: { wordNgrams: [1, 2], charNgrams: [3, 5] } },
    metrics: { validation: { macroRecall: 0.61, macroF1: 0.6 }, test: { macroRecall: 0.6, accuracy: 0.62 } },
    uri: `models/sentiment-lite/${hash.slice(0, 8)}`,
    contentVersion: `sha256:${hash}`,
    ...overrides,
  };
};

export const trainingRunInput = (overrides: Partial<StartTrainingRun> = {}): StartTrainingRun => ({
  kind: 'train-lite',
  dataset: 'tweet_eval',
  split: 'train',
  parameters: { epochs: 3, learningRate: 0.05, seed: 42 },
  ...overrides,
});
