import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SentimentLabel } from '@sentiment-ops/contracts';
import { syntheticRows, TEST_FEATURIZER } from '../test/synthetic';
import { removeTempDirs, tempDir } from '../test/temp-dirs';
import { LiteClassifier } from './lite-classifier';
import { LiteModelRuntime } from './lite-model-runtime';
import { readLiteModelFolder, writeLiteModelFolder } from './model-folder';
import { DEFAULT_HYPER_PARAMETERS, trainLiteClassifier } from './trainer';
import type { LitePredictStats } from './lite-model-runtime';

const trained = trainLiteClassifier(syntheticRows(600, 11), syntheticRows(150, 12), {
  featurizer: TEST_FEATURIZER,
  hyperParameters: { ...DEFAULT_HYPER_PARAMETERS, epochs: 3, learningRate: 0.05 },
}).classifier;
const rows = syntheticRows(50, 13);
const texts = [...rows.map((row) => row.text), '', '@someone http://x.y 😍 LOOOOVE it!!! '];

afterAll(removeTempDirs);

describe('ONNX export → LiteModelRuntime (onnxruntime-node)', () => {
  let folder: string;
  let runtime: LiteModelRuntime;

  beforeAll(async () => {
    folder = tempDir();
    writeLiteModelFolder(folder, trained);
    runtime = await LiteModelRuntime.load(folder, { name: 'lite-test', intraOpNumThreads: 1, maxSubBatchSize: 16 });
  });
  afterAll(() => runtime.dispose());

  it('matches the TypeScript model within 1e-5, in input order, across sub-batches', async () => {
    const stats: LitePredictStats[] = [];
    const predictions = await runtime.predict(texts, (s) => stats.push(s));
    const expected = trained.predictProbabilities(texts);
    expect(predictions).toHaveLength(texts.length);
    predictions.forEach((prediction, i) => {
      trained.labels.forEach((label, c) => expect(Math.abs(prediction.probabilities[label] - expected[i][c])).toBeLessThan(1e-5));
      expect(prediction.label).toBe(trained.labels[expected[i].indexOf(Math.max(...expected[i]))]);
      expect(prediction.confidence).toBe(prediction.probabilities[prediction.label]);
      expect(prediction.tokens).toBe(trained.featurizer.featurize(texts[i]).indices.length);
    });
    // the synthetic rows are easy, so labels track the input order
    expect(predictions.slice(0, rows.length).filter((p, i) => p.label === rows[i].label).length).toBeGreaterThanOrEqual(rows.length - 2);
    expect(stats).toHaveLength(1);
    expect(stats[0].items).toBe(texts.length);
    expect(stats[0].subBatches).toEqual([16, 16, 16, 4]);
    expect(stats[0].tokens).toBe(predictions.reduce((sum, p) => sum + p.tokens, 0));
  });

  it('gives the same answer for a text alone or inside a batch', async () => {
    const [alone] = await runtime.predict([texts[20]]);
    const inBatch = (await runtime.predict(texts))[20];
    expect(alone.label).toBe(inBatch.label);
    expect(Math.abs(alone.confidence - inBatch.confidence)).toBeLessThan(1e-6);
    expect(await runtime.predict([])).toEqual([]);
  });

  it('describes the model', () => {
    const hash = createHash('sha256').update(readFileSync(join(folder, 'onnx/model.onnx'))).digest('hex');
    expect(runtime.descriptor).toEqual({ name: 'lite-test', source: folder, revision: 'local', dtype: 'fp32', version: hash.slice(0, 12), maxLength: TEST_FEATURIZER.maxFeatures });
    expect(readLiteModelFolder(folder).config.id2label).toEqual({ 0: 'negative', 1: 'neutral', 2: 'positive' });
  });
});

describe('labels come from config id2label', () => {
  it('maps output columns through id2label, whatever their order', async () => {
    // columns positive, negative, neutral: each bias makes its own column win
    const order: SentimentLabel[] = ['positive', 'negative', 'neutral'];
    const weights = new Float32Array(TEST_FEATURIZER.buckets * 3);
    const classifier = new LiteClassifier({ featurizer: TEST_FEATURIZER, labels: order, weights, bias: Float32Array.from([3, 0, 0]) });
    const folder = tempDir();
    writeLiteModelFolder(folder, classifier);
    expect(readLiteModelFolder(folder).labels).toEqual(order);
    const runtime = await LiteModelRuntime.load(folder);
    try {
      const [prediction] = await runtime.predict(['anything']);
      expect(prediction.label).toBe('positive');
      expect(prediction.probabilities.positive).toBeGreaterThan(0.9);
      expect(prediction.probabilities.negative).toBeCloseTo(prediction.probabilities.neutral, 6);
    } finally {
      await runtime.dispose();
    }
  });
});
