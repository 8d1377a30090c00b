import { syntheticRows, TEST_FEATURIZER } from '../test/synthetic';
import { DEFAULT_HYPER_PARAMETERS, trainLiteClassifier, type TrainerHyperParameters } from './trainer';

const train = syntheticRows(900, 1);
const validation = syntheticRows(200, 2);
const heldOut = syntheticRows(300, 3);
const hyperParameters = (overrides: Partial<TrainerHyperParameters> = {}): TrainerHyperParameters => ({
  ...DEFAULT_HYPER_PARAMETERS,
  epochs: 4,
  learningRate: 0.05,
  ...overrides,
});
const trainWith = (overrides: Partial<TrainerHyperParameters> = {}) =>
  trainLiteClassifier(train, validation, { featurizer: TEST_FEATURIZER, hyperParameters: hyperParameters(overrides) });

describe('trainLiteClassifier on synthetic data', () => {
  const first = trainWith();

  it('learns the cue words (held-out accuracy ≥ 0.95)', () => {
    const predicted = first.classifier.predictLabels(heldOut.map((row) => row.text));
    const accuracy = predicted.filter((label, i) => label === heldOut[i].label).length / heldOut.length;
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    expect(first.bestValidation.macroRecall).toBeGreaterThanOrEqual(0.95);
    expect(first.epochs[first.bestEpoch - 1].validation).toEqual(first.bestValidation);
  });

  it('is deterministic for a seed: identical weights and probabilities', () => {
    const second = trainWith();
    expect(Buffer.from(second.classifier.weights.buffer).equals(Buffer.from(first.classifier.weights.buffer))).toBe(true);
    expect(Array.from(second.classifier.bias)).toEqual(Array.from(first.classifier.bias));
    const texts = heldOut.slice(0, 20).map((row) => row.text);
    expect(second.classifier.predictProbabilities(texts)).toEqual(first.classifier.predictProbabilities(texts));
  });

  it('gives different weights for a different seed', () => {
    const other = trainWith({ seed: 7 });
    expect(Buffer.from(other.classifier.weights.buffer).equals(Buffer.from(first.classifier.weights.buffer))).toBe(false);
  });

  it('weights classes by inverse frequency', () => {
    const skewed = [...train.filter((row) => row.label !== 'negative'), ...train.filter((row) => row.label === 'negative').slice(0, 50)];
    const result = trainLiteClassifier(skewed, validation, { featurizer: TEST_FEATURIZER, hyperParameters: hyperParameters({ epochs: 1 }) });
    const negatives = skewed.filter((row) => row.label === 'negative').length;
    expect(result.classWeights[0]).toBeCloseTo(skewed.length / (3 * negatives), 10);
    expect(result.classWeights[0]).toBeGreaterThan(result.classWeights[1]);
  });

  it('stops early when validation macro recall stops improving, keeping the best epoch', () => {
    const result = trainWith({ epochs: 30, patience: 1 });
    expect(result.epochs.length).toBeLessThan(30);
    expect(result.epochs.length - result.bestEpoch).toBe(1);
  });

  it('rejects empty splits and unknown labels', () => {
    expect(() => trainLiteClassifier([], validation, { featurizer: TEST_FEATURIZER, hyperParameters: hyperParameters() })).toThrow(/training split is empty/);
    expect(() => trainLiteClassifier(train, [], { featurizer: TEST_FEATURIZER, hyperParameters: hyperParameters() })).toThrow(/validation split is empty/);
    const bad = [{ text: 'x', label: 'mixed' as never }];
    expect(() => trainLiteClassifier(bad, validation, { featurizer: TEST_FEATURIZER, hyperParameters: hyperParameters() })).toThrow(/"mixed"/);
  });
});
