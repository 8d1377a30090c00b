import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_FEATURIZER } from '../test/synthetic';
import { removeTempDirs, tempDir } from '../test/temp-dirs';
import { LiteClassifier } from './lite-classifier';
import { LiteModelError } from './lite-model.errors';
import { LiteModelRuntime } from './lite-model-runtime';
import { readLiteModelFolder, writeLiteModelFolder } from './model-folder';

const classifier = new LiteClassifier({
  featurizer: TEST_FEATURIZER,
  labels: ['negative', 'neutral', 'positive'],
  weights: new Float32Array(TEST_FEATURIZER.buckets * 3),
  bias: new Float32Array(3),
});

/** A valid folder, then `damage` applied to it. */
const folderWith = (damage: (folder: string) => void): string => {
  const folder = tempDir();
  writeLiteModelFolder(folder, classifier);
  damage(folder);
  return folder;
};
const editConfig = (folder: string, edit: (config: Record<string, unknown>) => void): void => {
  const path = join(folder, 'config.json');
  const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(config);
  writeFileSync(path, JSON.stringify(config));
};
const errorOf = (folder: string): LiteModelError => {
  try {
    readLiteModelFolder(folder);
  } catch (error) {
    return error as LiteModelError;
  }
  throw new Error(`${folder} was accepted`);
};

afterAll(removeTempDirs);

describe('readLiteModelFolder', () => {
  it('accepts a written folder', () => {
    const folder = folderWith(() => undefined);
    const model = readLiteModelFolder(folder);
    expect(model.labels).toEqual(['negative', 'neutral', 'positive']);
    expect(model.config.featurizer).toEqual(TEST_FEATURIZER);
    expect(model.onnxPath).toBe(join(folder, 'onnx/model.onnx'));
  });

  it('names the missing folder or file', () => {
    expect(errorOf('/nonexistent/sentiment-lite')).toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('/nonexistent/sentiment-lite') });
    const noConfig = folderWith((f) => rmSync(join(f, 'config.json')));
    expect(errorOf(noConfig)).toMatchObject({ code: 'INVALID_MODEL', message: expect.stringContaining('has no config.json') });
    const noOnnx = folderWith((f) => rmSync(join(f, 'onnx'), { recursive: true }));
    expect(errorOf(noOnnx)).toMatchObject({ code: 'INVALID_MODEL', message: expect.stringContaining('has no onnx/model.onnx') });
    const onnxIsFolder = folderWith((f) => {
      rmSync(join(f, 'onnx/model.onnx'));
      mkdirSync(join(f, 'onnx/model.onnx'));
    });
    expect(errorOf(onnxIsFolder).message).toContain('onnx/model.onnx');
  });

  it('explains a bad config.json', () => {
    const notJson = folderWith((f) => writeFileSync(join(f, 'config.json'), '{ nope'));
    expect(errorOf(notJson).message).toMatch(/config\.json: is not valid JSON/);
    const wrongType = folderWith((f) => editConfig(f, (c) => (c['model_type'] = 'roberta')));
    expect(errorOf(wrongType).message).toMatch(/config\.json: model_type must be "sentiment-lite", got "roberta"/);
    const badLabels = folderWith((f) => editConfig(f, (c) => (c['id2label'] = { 0: 'negative', 1: 'negative', 2: 'positive' })));
    expect(errorOf(badLabels).message).toMatch(/id2label must map/);
    const unknownLabel = folderWith((f) => editConfig(f, (c) => (c['id2label'] = { 0: 'negative', 1: 'meh', 2: 'positive' })));
    expect(errorOf(unknownLabel).message).toMatch(/id2label\["1"\] must be one of/);
    const noFeaturizer = folderWith((f) => editConfig(f, (c) => delete c['featurizer']));
    expect(errorOf(noFeaturizer).message).toMatch(/config\.json: featurizer settings are invalid/);
    const badBuckets = folderWith((f) => editConfig(f, (c) => (c['featurizer'] = { ...TEST_FEATURIZER, buckets: 1000 })));
    expect(errorOf(badBuckets).message).toMatch(/buckets: must be a power of two/);
  });
});

describe('LiteModelRuntime.load', () => {
  it('fails with the folder validation error before creating a session', async () => {
    const noOnnx = folderWith((f) => rmSync(join(f, 'onnx/model.onnx')));
    await expect(LiteModelRuntime.load(noOnnx)).rejects.toThrow(/has no onnx\/model\.onnx/);
  });

  it('reports an ONNX file onnxruntime cannot read', async () => {
    const corrupt = folderWith((f) => writeFileSync(join(f, 'onnx/model.onnx'), 'not a model'));
    await expect(LiteModelRuntime.load(corrupt)).rejects.toMatchObject({ code: 'LOAD_FAILED', message: expect.stringContaining('onnx/model.onnx') });
  });
});
