import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SENTIMENT_LABELS } from '@sentiment-ops/contracts';
import { syntheticRows, TEST_FEATURIZER } from '../test/synthetic';
import { removeTempDirs, tempDir } from '../test/temp-dirs';
import { fineTuneLiteModel, liteFineTuneInfo, loadLiteClassifier, stratifiedHoldout, type FineTuneResult } from './fine-tune';
import { LiteModelRuntime } from './lite-model-runtime';
import { readLiteModelFolder, writeLiteModelFolder, type LiteFineTuneInfo } from './model-folder';
import { seededRandom } from './prng';
import { DEFAULT_HYPER_PARAMETERS, trainLiteClassifier, type TrainingExample } from './trainer';

// Target domain: the same three classes, cued by words the base model never saw (product reviews
// instead of tweets), over a different set of noise words.
const TARGET_CUES = {
  negative: ['defective', 'refund', 'flimsy', 'returned', 'useless'],
  neutral: ['arrived', 'package', 'size', 'ordered', 'color'],
  positive: ['sturdy', 'recommend', 'perfect', 'excellent', 'durable'],
} as const;
const TARGET_NOISE = ['product', 'item', 'seller', 'box', 'bought', 'this', 'the', 'it', 'for', 'my', 'kitchen', 'cable', 'shoes', 'after'];

const targetRows = (count: number, seed: number): TrainingExample[] => {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  return Array.from({ length: count }, () => {
    const label = pick(SENTIMENT_LABELS);
    const words: string[] = [pick(TARGET_CUES[label])];
    if (random() < 0.5) words.push(pick(TARGET_CUES[label]));
    const noise = 3 + Math.floor(random() * 5);
    for (let i = 0; i < noise; i++) words.push(pick(TARGET_NOISE));
    words.sort(() => random() - 0.5);
    return { text: words.join(' '), label };
  });
};

const hyperParameters = { epochs: 6, patience: 2, learningRate: 0.05 };
const baseFolder = tempDir('lite-finetune-base-');
const base = trainLiteClassifier(syntheticRows(900, 1), syntheticRows(200, 2), {
  featurizer: TEST_FEATURIZER,
  hyperParameters: { ...DEFAULT_HYPER_PARAMETERS, epochs: 4, learningRate: 0.05 },
});
writeLiteModelFolder(baseFolder, base.classifier);
const { train, holdout } = stratifiedHoldout(targetRows(700, 11), 0.2, 42);
const test = targetRows(300, 12);

const fineTune = (seed = 42, extra: { onEpoch?: () => void; test?: () => Iterable<TrainingExample> } = {}): Promise<FineTuneResult> =>
  fineTuneLiteModel({ baseFolder, train, holdout, hyperParameters, seed, test: extra.test ?? (() => test), onEpoch: extra.onEpoch });

const sameBytes = (a: Float32Array, b: Float32Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

afterAll(removeTempDirs);

describe('loadLiteClassifier', () => {
  it('reads the served weights and settings back from config.json + onnx/model.onnx', () => {
    const loaded = loadLiteClassifier(baseFolder);
    expect(loaded.classifier.featurizer.settings).toEqual(TEST_FEATURIZER);
    expect(loaded.classifier.labels).toEqual(base.classifier.labels);
    expect(sameBytes(loaded.classifier.weights, base.classifier.weights)).toBe(true);
    expect(Array.from(loaded.classifier.bias)).toEqual(Array.from(base.classifier.bias));
    expect(loaded.version).toMatch(/^[0-9a-f]{12}$/);
  });
});

describe('stratifiedHoldout', () => {
  const rows = targetRows(500, 3);
  it('holds out the fraction of every class, disjoint from train, deterministically', () => {
    const { train: a, holdout: b } = stratifiedHoldout(rows, 0.2, 7);
    expect(a.length + b.length).toBe(rows.length);
    expect(new Set([...a, ...b]).size).toBe(rows.length);
    for (const label of SENTIMENT_LABELS) {
      const all = rows.filter((r) => r.label === label).length;
      expect(b.filter((r) => r.label === label).length).toBe(Math.round(0.2 * all));
    }
    expect(stratifiedHoldout(rows, 0.2, 7).holdout).toEqual(b);
    expect(stratifiedHoldout(rows, 0.2, 8).holdout).not.toEqual(b);
    expect(() => stratifiedHoldout(rows, 1, 7)).toThrow(/fraction/);
  });
});

describe('fineTuneLiteModel on a synthetic domain shift', () => {
  let result: FineTuneResult;
  beforeAll(async () => {
    result = await fineTune();
  });

  it('keeps the base featurizer and starts from, but changes, the base head', () => {
    expect(result.classifier.featurizer.settings).toEqual(readLiteModelFolder(baseFolder).config.featurizer);
    expect(sameBytes(result.classifier.weights, base.classifier.weights)).toBe(false);
    expect(result.hyperParameters.selectionMetric).toBe('macroF1');
  });

  it('improves held-out and target-test macro F1 clearly over the base', () => {
    expect(result.before.holdout.macroF1).toBeLessThan(0.6);
    expect(result.after.holdout.macroF1).toBeGreaterThanOrEqual(0.9);
    expect(result.after.holdout.macroF1 - result.before.holdout.macroF1).toBeGreaterThanOrEqual(0.3);
    expect(result.before.test?.samples).toBe(test.length);
    expect((result.after.test?.macroF1 ?? 0) - (result.before.test?.macroF1 ?? 1)).toBeGreaterThanOrEqual(0.3);
    // early stopping kept the epoch with the best held-out macro F1
    const best = Math.max(...result.epochs.map((e) => e.validation.macroF1));
    expect(result.epochs[result.bestEpoch - 1].validation.macroF1).toBe(best);
    expect(result.after.holdout.macroF1).toBeCloseTo(best, 12);
  });

  it('is deterministic for a seed, and a different seed gives different weights', async () => {
    const again = await fineTune();
    expect(sameBytes(again.classifier.weights, result.classifier.weights)).toBe(true);
    expect(Array.from(again.classifier.bias)).toEqual(Array.from(result.classifier.bias));
    expect(again.after).toEqual(result.after);
    const other = await fineTune(7);
    expect(sameBytes(other.classifier.weights, result.classifier.weights)).toBe(false);
  });

  it('reads the test split only once, after training and selection are over', async () => {
    const log: string[] = [];
    const spy = jest.fn(function* () {
      log.push('test:open');
      for (const row of test) {
        log.push('test:row');
        yield row;
      }
    });
    const spied = await fineTune(42, { onEpoch: () => log.push('epoch'), test: spy });
    expect(spy).toHaveBeenCalledTimes(1);
    const firstTestAccess = log.indexOf('test:open');
    expect(log.lastIndexOf('epoch')).toBeLessThan(firstTestAccess);
    expect(log.filter((e) => e === 'epoch')).toHaveLength(spied.epochs.length);
    expect(log.filter((e) => e === 'test:row')).toHaveLength(test.length);
    // the test split changes nothing about the trained head
    const without = await fineTuneLiteModel({ baseFolder, train, holdout, hyperParameters, seed: 42 });
    expect(sameBytes(without.classifier.weights, spied.classifier.weights)).toBe(true);
    expect(without.before.test).toBeNull();
    expect(without.after.test).toBeNull();
  });

  it('writes a servable sentiment-lite folder with the fine-tuning record', async () => {
    const out = tempDir('lite-finetune-out-');
    const info = liteFineTuneInfo(result, { baseFolder, dataset: 'synthetic', split: 'train', samples: null, holdout: 0.2, testSplit: 'test', trainingSeconds: 1 });
    writeLiteModelFolder(out, result.classifier, info);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { model_type: string; featurizer: unknown; training: LiteFineTuneInfo };
    expect(config.model_type).toBe('sentiment-lite');
    expect(config.featurizer).toEqual(readLiteModelFolder(baseFolder).config.featurizer);
    expect(config.training.fine_tuned_from).toEqual({ folder: baseFolder, model_type: 'sentiment-lite', version: loadLiteClassifier(baseFolder).version });
    expect(config.training.metrics.after.test?.macroF1).toBe(result.after.test?.macroF1);
    expect(config.training.metrics.before.holdout.macroF1).toBe(result.before.holdout.macroF1);
    expect(config.training.rows).toEqual({ train: train.length, holdout: holdout.length, test: test.length });
    const runtime = await LiteModelRuntime.load(out);
    try {
      const texts = test.slice(0, 20).map((r) => r.text);
      const served = await runtime.predict(texts);
      expect(served.map((p) => p.label)).toEqual(result.classifier.predictLabels(texts));
    } finally {
      await runtime.dispose();
    }
  });
});
