import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SENTIMENT_LABELS, type SentimentLabel } from '@sentiment-ops/contracts';
import { DataType, decodeModel } from '@sentiment-ops/model-fixtures';
import { Featurizer } from './featurizer';
import { argmax, LiteClassifier } from './lite-classifier';
import { LiteModelError } from './lite-model.errors';
import { readLiteModelFolder, type LiteFineTuneInfo, type LiteFineTuneMetrics, type LiteModelConfig, type LiteSplitScores } from './model-folder';
import { seededRandom, shuffleInPlace } from './prng';
import { selectionScores } from './scores';
import { DEFAULT_HYPER_PARAMETERS, encodeSplit, predictSplit, trainOnFeatures, type EpochReport, type TrainerHyperParameters, type TrainingExample } from './trainer';

/** A served sentiment-lite model read back into a trainable classifier. */
export interface LiteBaseModel {
  folder: string;
  config: LiteModelConfig;
  classifier: LiteClassifier;
  /** sha256 of onnx/model.onnx, first 12 hex digits (the version LiteModelRuntime serves it under). */
  version: string;
}

/** Fine-tuning defaults: the trainer's, with more epochs and early stopping on held-out macro F1. */
export const DEFAULT_FINE_TUNE_HYPER_PARAMETERS: TrainerHyperParameters = {
  ...DEFAULT_HYPER_PARAMETERS,
  epochs: 10,
  patience: 3,
  learningRate: 0.01,
  selectionMetric: 'macroF1',
};

const floatInitializer = (model: ReturnType<typeof decodeModel>, name: string, dims: number[], path: string): Float32Array => {
  const tensor = model.graph.initializer.find((t) => t.name === name);
  if (!tensor) throw new LiteModelError('INVALID_MODEL', `${path} has no initializer "${name}"`);
  if (tensor.data_type !== DataType.FLOAT || JSON.stringify(tensor.dims) !== JSON.stringify(dims) || !tensor.raw_data) {
    throw new LiteModelError('INVALID_MODEL', `${path}: initializer "${name}" must be float [${dims.join(', ')}] in raw_data, got type ${tensor.data_type} [${tensor.dims.join(', ')}]`);
  }
  const expected = dims.reduce((a, b) => a * b, 1) * 4;
  if (tensor.raw_data.byteLength !== expected) throw new LiteModelError('INVALID_MODEL', `${path}: initializer "${name}" has ${tensor.raw_data.byteLength} bytes, expected ${expected}`);
  // copy into an aligned buffer (raw_data may be a view at any offset); ONNX raw_data is little-endian like the exporter's host
  return new Float32Array(new Uint8Array(tensor.raw_data).buffer);
};

/** Reads a sentiment-lite folder (config.json + onnx/model.onnx) back into a LiteClassifier with the served weights. */
export const loadLiteClassifier = (folder: string): LiteBaseModel => {
  const model = readLiteModelFolder(folder);
  const bytes = readFileSync(model.onnxPath);
  let decoded: ReturnType<typeof decodeModel>;
  try {
    decoded = decodeModel(bytes);
  } catch (error) {
    throw new LiteModelError('INVALID_MODEL', `${model.onnxPath} is not a readable ONNX model: ${(error as Error).message}`, { cause: error });
  }
  const classes = model.labels.length;
  const weights = floatInitializer(decoded, 'weight', [model.config.featurizer.buckets, classes], model.onnxPath);
  const bias = floatInitializer(decoded, 'bias', [classes], model.onnxPath);
  return {
    folder: model.folder,
    config: model.config,
    classifier: new LiteClassifier({ featurizer: model.config.featurizer, labels: model.labels, weights, bias }),
    version: createHash('sha256').update(bytes).digest('hex').slice(0, 12),
  };
};

/**
 * Stratified, seeded split of `rows` into train and held-out parts: each class gives
 * round(fraction × its rows) to the held-out part (at least 1 when it has 2 or more rows and
 * fraction > 0). Both parts keep the input order.
 */
export const stratifiedHoldout = <T extends { label: SentimentLabel }>(rows: readonly T[], fraction: number, seed: number): { train: T[]; holdout: T[] } => {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`holdout fraction must be in (0, 1), got ${fraction}`);
  const random = seededRandom(seed);
  const heldOut = new Uint8Array(rows.length);
  for (const label of SENTIMENT_LABELS) {
    const members = rows.flatMap((row, i) => (row.label === label ? [i] : []));
    shuffleInPlace(members, random);
    const take = members.length < 2 ? 0 : Math.max(1, Math.min(members.length - 1, Math.round(fraction * members.length)));
    for (const i of members.slice(0, take)) heldOut[i] = 1;
  }
  return { train: rows.filter((_, i) => heldOut[i] === 0), holdout: rows.filter((_, i) => heldOut[i] === 1) };
};

const splitScores = (truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): LiteSplitScores => {
  const confusionMatrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) confusionMatrix[truth[i]][predicted[i]] += 1;
  return { samples: truth.length, ...selectionScores(truth, predicted, classes), confusionMatrix };
};

/** A split read lazily: called at most once, after training and selection are over. */
export type LazySplit = () => Iterable<TrainingExample> | AsyncIterable<TrainingExample>;

export interface FineTuneOptions {
  /** The served base model's folder (config.json + onnx/model.onnx); its featurizer stays frozen. */
  baseFolder: string;
  train: readonly TrainingExample[];
  /** Held-out part of the training split: early stopping and the held-out metrics. */
  holdout: readonly TrainingExample[];
  /** Overrides of DEFAULT_FINE_TUNE_HYPER_PARAMETERS. */
  hyperParameters?: Partial<TrainerHyperParameters>;
  /** Shuffle seed (overrides hyperParameters.seed when given). */
  seed?: number;
  /** The dataset's test split, only reported: opened once, after the new head is final. */
  test?: LazySplit;
  onEpoch?: (report: EpochReport) => void;
}

export interface FineTuneResult {
  base: LiteBaseModel;
  /** The new model: the base's featurizer settings, a new head. */
  classifier: LiteClassifier;
  epochs: EpochReport[];
  bestEpoch: number;
  classWeights: number[];
  rows: { train: number; holdout: number };
  hyperParameters: TrainerHyperParameters;
  /** The base model on the held-out part and the test split. */
  before: LiteFineTuneMetrics;
  /** The new model on the same rows. */
  after: LiteFineTuneMetrics;
  seconds: { featurize: number; train: number; evaluate: number };
}

const labelIds = (labels: readonly SentimentLabel[], rows: readonly TrainingExample[]): void => {
  const bad = rows.findIndex((row) => !labels.includes(row.label));
  if (bad >= 0) throw new Error(`row ${bad} has label "${rows[bad].label}", not one of ${labels.join(', ')}`);
};

/**
 * Fine-tunes the classification head of a sentiment-lite model on a new domain: the base model's
 * featurizer is frozen (settings copied unchanged), the softmax-regression weights start from the
 * base's and are trained with class-balanced cross-entropy, early-stopping on the held-out part
 * (macro F1 by default). The test split, if given, is read only after that, for the before/after report.
 */
export const fineTuneLiteModel = async (options: FineTuneOptions): Promise<FineTuneResult> => {
  const base = loadLiteClassifier(options.baseFolder);
  const hyperParameters: TrainerHyperParameters = {
    ...DEFAULT_FINE_TUNE_HYPER_PARAMETERS,
    ...options.hyperParameters,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
  const { labels } = base.classifier;
  labelIds(labels, options.train);
  labelIds(labels, options.holdout);
  const featurizer = new Featurizer(base.config.featurizer);
  let started = performance.now();
  const train = encodeSplit(featurizer, options.train, labels);
  const holdout = encodeSplit(featurizer, options.holdout, labels);
  const featurize = (performance.now() - started) / 1000;

  const result = trainOnFeatures(featurizer.settings, train, holdout, hyperParameters, options.onEpoch, labels, base.classifier);
  const classes = labels.length;

  started = performance.now();
  const before: LiteFineTuneMetrics = { holdout: splitScores(holdout.labels, predictSplit(base.classifier, holdout.features), classes), test: null };
  const after: LiteFineTuneMetrics = { holdout: splitScores(holdout.labels, predictSplit(result.classifier, holdout.features), classes), test: null };
  if (options.test) {
    // streamed: one featurization per row, both models scored on it
    const truth: number[] = [];
    const predictedBefore: number[] = [];
    const predictedAfter: number[] = [];
    const logits = new Float64Array(classes);
    for await (const row of options.test()) {
      const id = labels.indexOf(row.label);
      if (id < 0) throw new Error(`test row ${truth.length} has label "${row.label}", not one of ${labels.join(', ')}`);
      const vector = featurizer.featurize(row.text);
      truth.push(id);
      predictedBefore.push(argmax(base.classifier.logitsInto(vector.indices, vector.values, logits)));
      predictedAfter.push(argmax(result.classifier.logitsInto(vector.indices, vector.values, logits)));
    }
    before.test = splitScores(truth, predictedBefore, classes);
    after.test = splitScores(truth, predictedAfter, classes);
  }
  return {
    base,
    classifier: result.classifier,
    epochs: result.epochs,
    bestEpoch: result.bestEpoch,
    classWeights: result.classWeights,
    rows: { train: options.train.length, holdout: options.holdout.length },
    hyperParameters,
    before,
    after,
    seconds: { featurize, train: result.trainSeconds, evaluate: (performance.now() - started) / 1000 },
  };
};

/** The `training` record of a fine-tuned model's config.json. */
export const liteFineTuneInfo = (
  result: FineTuneResult,
  data: { baseFolder: string; dataset: string; split: string; samples: number | null; holdout: number; testSplit: string | null; trainingSeconds: number },
): LiteFineTuneInfo => ({
  fine_tuned_from: { folder: data.baseFolder, model_type: result.base.config.model_type, version: result.base.version },
  method: 'head',
  dataset: data.dataset,
  split: data.split,
  samples: data.samples,
  holdout: data.holdout,
  test_split: data.testSplit,
  rows: { ...result.rows, test: result.before.test?.samples ?? null },
  seed: result.hyperParameters.seed,
  epochs: result.epochs.length,
  best_epoch: result.bestEpoch,
  selection_metric: result.hyperParameters.selectionMetric ?? 'macroRecall',
  hyper_parameters: {
    ...result.hyperParameters,
    init: 'base model head',
    frozen: 'featurizer',
    optimizer: 'adam (lazy sparse updates)',
    loss: 'class-weighted cross-entropy',
  },
  class_weights: Object.fromEntries(result.classifier.labels.map((label, i) => [label, Number(result.classWeights[i].toFixed(6))])) as Record<SentimentLabel, number>,
  metrics: { before: result.before, after: result.after },
  training_seconds: Number(data.trainingSeconds.toFixed(1)),
  trained_at: new Date().toISOString(),
});
