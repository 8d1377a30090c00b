import { SENTIMENT_LABELS, type SentimentLabel } from '@sentiment-ops/contracts';
import { Featurizer, type SparseMatrix } from './featurizer';
import type { FeaturizerSettings } from './featurizer-settings';
import { argmax, LiteClassifier } from './lite-classifier';
import { seededRandom, shuffleInPlace } from './prng';
import { selectionScores, type SelectionMetric, type SelectionScores } from './scores';
import { SparseAdam } from './sparse-adam';

export interface TrainingExample {
  text: string;
  label: SentimentLabel;
}

/** Hyper-parameters of the optimiser; all serialisable into the model's config.json. */
export interface TrainerHyperParameters {
  seed: number;
  /** Maximum epochs; early stopping may end sooner. */
  epochs: number;
  /** Epochs without a better validation macro recall before stopping. */
  patience: number;
  batchSize: number;
  learningRate: number;
  /** Learning rate falls linearly to `learningRate × finalLearningRateFactor` over `epochs`. */
  finalLearningRateFactor: number;
  /** L2 penalty on the weights (not the bias), applied to the rows a batch touches. */
  l2: number;
  /** `balanced`: class c weighs N / (classes × N_c), so the loss matches macro recall. */
  classWeighting: 'balanced' | 'none';
  /** Evaluate and keep the mean of the iterates: over each epoch, over all of training, or not. */
  averaging: 'none' | 'epoch' | 'all';
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Validation score early stopping maximises; absent = `macroRecall` (the original behaviour). */
  selectionMetric?: SelectionMetric;
}

export const DEFAULT_HYPER_PARAMETERS: TrainerHyperParameters = {
  seed: 42,
  epochs: 6,
  patience: 2,
  batchSize: 32,
  learningRate: 0.01,
  finalLearningRateFactor: 0.1,
  l2: 1e-5,
  classWeighting: 'balanced',
  averaging: 'epoch',
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
};

export interface EpochReport {
  epoch: number;
  /** Mean class-weighted cross-entropy over the epoch's batches (before the L2 term). */
  trainLoss: number;
  validation: SelectionScores;
  improved: boolean;
  seconds: number;
}

export interface TrainingResult {
  /** The weights of the best epoch on the validation selection metric (macro recall by default). */
  classifier: LiteClassifier;
  epochs: EpochReport[];
  bestEpoch: number;
  bestValidation: SelectionScores;
  classWeights: number[];
  featurizeSeconds: number;
  trainSeconds: number;
}

/** Features and label ids of a split. */
export interface EncodedSplit {
  features: SparseMatrix;
  labels: Uint8Array;
}

export const encodeSplit = (featurizer: Featurizer, rows: readonly TrainingExample[], labels: readonly SentimentLabel[] = SENTIMENT_LABELS): EncodedSplit => {
  const ids = rows.map((row) => labels.indexOf(row.label));
  const bad = ids.indexOf(-1);
  if (bad >= 0) throw new Error(`row ${bad} has label "${rows[bad].label}", not one of ${labels.join(', ')}`);
  return { features: featurizer.featurizeMany(rows.map((row) => row.text)), labels: Uint8Array.from(ids) };
};

const classWeightsOf = (labels: Uint8Array, classes: number, mode: TrainerHyperParameters['classWeighting']): number[] => {
  const counts = new Array<number>(classes).fill(0);
  for (const label of labels) counts[label] += 1;
  return counts.map((n) => (mode === 'none' || n === 0 ? 1 : labels.length / (classes * n)));
};

/** Argmax predictions of a split under the current weights. */
export const predictSplit = (classifier: LiteClassifier, features: SparseMatrix): Uint8Array => {
  const out = new Uint8Array(features.rows);
  const logits = new Float64Array(classifier.classes);
  for (let r = 0; r < features.rows; r++) {
    const from = features.offsets[r];
    const to = features.offsets[r + 1];
    out[r] = argmax(classifier.logitsInto(features.indices.subarray(from, to), features.values.subarray(from, to), logits));
  }
  return out;
};

/** Starting point of training (fine-tuning): weights [buckets, classes] and bias [classes], copied, not modified. */
export interface InitialWeights {
  weights: Float32Array;
  bias: Float32Array;
}

/**
 * Mini-batch Adam with lazy sparse updates (only the weight rows a batch touches move), class-balanced
 * cross-entropy, L2, a seeded shuffle, and early stopping on the validation selection metric
 * (`hp.selectionMetric`, default macro recall). Starts from zero weights, or from `initial` (fine-tuning).
 * Single-threaded and seeded: same data, settings and seed ⇒ bit-identical weights.
 */
export const trainOnFeatures = (
  featurizer: FeaturizerSettings,
  train: EncodedSplit,
  validation: EncodedSplit,
  hp: TrainerHyperParameters,
  onEpoch?: (report: EpochReport) => void,
  labels: readonly SentimentLabel[] = SENTIMENT_LABELS,
  initial?: InitialWeights,
): Omit<TrainingResult, 'featurizeSeconds'> => {
  const started = performance.now();
  const classes = labels.length;
  const buckets = featurizer.buckets;
  const n = train.features.rows;
  if (n === 0) throw new Error('the training split is empty');
  if (validation.features.rows === 0) throw new Error('the validation split is empty (needed for early stopping)');
  if (initial && (initial.weights.length !== buckets * classes || initial.bias.length !== classes)) {
    throw new Error(`initial weights have ${initial.weights.length} + ${initial.bias.length} values, expected buckets ${buckets} × classes ${classes} + ${classes}`);
  }
  const classifier = new LiteClassifier({
    featurizer,
    labels,
    weights: initial ? Float32Array.from(initial.weights) : new Float32Array(buckets * classes),
    bias: initial ? Float32Array.from(initial.bias) : new Float32Array(classes),
  });
  const metric: SelectionMetric = hp.selectionMetric ?? 'macroRecall';
  const averaging = hp.averaging !== 'none';
  const weightOpt = new SparseAdam(classifier.weights, classes, hp, averaging);
  const biasOpt = new SparseAdam(classifier.bias, classes, { ...hp, l2: 0 }, averaging);
  const classWeights = classWeightsOf(train.labels, classes, hp.classWeighting);
  const random = seededRandom(hp.seed);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const { offsets, indices, values } = train.features;
  const logits = new Float64Array(classes);
  const delta = new Float64Array(classes);
  const stepsTotal = hp.epochs * Math.ceil(n / hp.batchSize);
  let step = 0;
  let best = { epoch: 0, scores: { accuracy: -1, macroRecall: -1, macroF1: -1 } as SelectionScores, weights: classifier.weights, bias: classifier.bias };
  const reports: EpochReport[] = [];

  for (let epoch = 1; epoch <= hp.epochs; epoch++) {
    const epochStarted = performance.now();
    shuffleInPlace(order, random);
    if (hp.averaging === 'epoch') [weightOpt, biasOpt].forEach((opt) => opt.resetAverage());
    let lossSum = 0;
    for (let start = 0; start < n; start += hp.batchSize) {
      const end = Math.min(n, start + hp.batchSize);
      for (let k = start; k < end; k++) {
        const r = order[k];
        const y = train.labels[r];
        const from = offsets[r];
        const to = offsets[r + 1];
        classifier.logitsInto(indices.subarray(from, to), values.subarray(from, to), logits);
        let max = -Infinity;
        for (let c = 0; c < classes; c++) max = Math.max(max, logits[c]);
        let sum = 0;
        for (let c = 0; c < classes; c++) sum += delta[c] = Math.exp(logits[c] - max);
        lossSum -= classWeights[y] * Math.log(delta[y] / sum);
        // gradient of the class-weighted batch-mean cross-entropy w.r.t. the logits
        const weight = classWeights[y] / (end - start);
        const biasRow = biasOpt.touch(0);
        for (let c = 0; c < classes; c++) {
          delta[c] = weight * (delta[c] / sum - (c === y ? 1 : 0));
          biasOpt.grad[biasRow + c] += delta[c];
        }
        for (let j = from; j < to; j++) {
          const row = weightOpt.touch(indices[j]);
          for (let c = 0; c < classes; c++) weightOpt.grad[row + c] += values[j] * delta[c];
        }
      }
      // linear decay from learningRate to learningRate × finalLearningRateFactor
      const lr = hp.learningRate * (1 - (1 - hp.finalLearningRateFactor) * Math.min(1, step / stepsTotal));
      weightOpt.step(lr);
      biasOpt.step(lr);
      step += 1;
    }
    // the averaged iterates are what gets evaluated and kept (plain iterates when averaging is off)
    const snapshot = new LiteClassifier({ featurizer, labels, weights: weightOpt.average(), bias: biasOpt.average() });
    const scores = selectionScores(validation.labels, predictSplit(snapshot, validation.features), classes);
    const improved = scores[metric] > best.scores[metric];
    if (improved) best = { epoch, scores, weights: snapshot.weights, bias: snapshot.bias };
    const report: EpochReport = { epoch, trainLoss: lossSum / n, validation: scores, improved, seconds: (performance.now() - epochStarted) / 1000 };
    reports.push(report);
    onEpoch?.(report);
    if (epoch - best.epoch >= hp.patience) break;
  }
  return {
    classifier: new LiteClassifier({ featurizer, labels, weights: best.weights, bias: best.bias }),
    epochs: reports,
    bestEpoch: best.epoch,
    bestValidation: best.scores,
    classWeights,
    trainSeconds: (performance.now() - started) / 1000,
  };
};

/** Featurizes both splits, then trains (see `trainOnFeatures`). */
export const trainLiteClassifier = (
  train: readonly TrainingExample[],
  validation: readonly TrainingExample[],
  options: { featurizer: FeaturizerSettings; hyperParameters: TrainerHyperParameters; onEpoch?: (report: EpochReport) => void },
): TrainingResult => {
  const started = performance.now();
  const featurizer = new Featurizer(options.featurizer);
  const encodedTrain = encodeSplit(featurizer, train);
  const encodedValidation = encodeSplit(featurizer, validation);
  const featurizeSeconds = (performance.now() - started) / 1000;
  return { ...trainOnFeatures(featurizer.settings, encodedTrain, encodedValidation, options.hyperParameters, options.onEpoch), featurizeSeconds };
};
