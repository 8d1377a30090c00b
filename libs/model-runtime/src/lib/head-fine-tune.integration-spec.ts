import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFixtureModel, decodeModel } from '@sentiment-ops/model-fixtures';
import { fineTuneTransformerHead, findClassifierHead, type HeadFineTuneResult, type LabelledText } from './head-fine-tune';
import { resolveModelSpec } from './model-registry';
import { TransformerModelRuntime } from './transformer-runtime';
import { configureTransformersEnv } from './transformers-env';

// Labels are a function of cue words; the fillers carry no signal.
const CUES: readonly (readonly string[])[] = [
  ['awful', 'terrible', 'hate'], // negative
  ['meeting', 'schedule', 'table'], // neutral
  ['great', 'love', 'wonderful'], // positive
];
const FILLERS = ['the', 'today', 'this', 'really', 'about', 'our', 'new', 'train', 'city', 'phone', 'again', 'with'];

function syntheticSet(count: number): LabelledText[] {
  const examples: LabelledText[] = [];
  for (let i = 0; i < count; i++) {
    const label = i % 3;
    const cue = CUES[label][Math.floor(i / 3) % 3];
    const words = [FILLERS[(i * 7) % FILLERS.length], FILLERS[(i * 5 + 3) % FILLERS.length], FILLERS[(i * 11 + 1) % FILLERS.length]];
    words.splice(i % 4, 0, cue);
    examples.push({ text: words.join(' '), label });
  }
  return examples;
}

describe('fineTuneTransformerHead on a tiny fixture model', () => {
  let work: string;
  let base: string;
  let first: HeadFineTuneResult;
  const data = syntheticSet(90);
  const train = data.slice(0, 60);
  const holdout = data.slice(60);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'head-fine-tune-'));
    configureTransformersEnv({ cacheDir: join(work, 'cache'), offline: true });
    base = (await buildFixtureModel({ size: 'tiny', outDir: join(work, 'base'), seed: 5 })).dir;
    first = await fineTuneTransformerHead({ baseFolder: base, train, holdout, outDir: join(work, 'tuned-a'), seed: 42, epochs: 40 });
  }, 60_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('improves accuracy and reports the head shape', () => {
    expect(first.headShape).toEqual([32, 3]);
    expect(first.bestEpoch).toBeGreaterThan(0);
    expect(first.bestEpoch).toBeLessThanOrEqual(first.epochs);
    const improved = first.after.trainAccuracy >= first.before.trainAccuracy + 0.1 || first.after.trainAccuracy >= 0.9;
    expect(improved).toBe(true);
    expect(first.after.holdoutMacroF1).toBeGreaterThanOrEqual(first.before.holdoutMacroF1);
  });

  it('changes only the out_proj initializers and writes only the fp32 model', () => {
    const original = decodeModel(readFileSync(join(base, 'onnx/model.onnx')));
    const tuned = decodeModel(readFileSync(join(first.outDir, 'onnx/model.onnx')));
    const head = findClassifierHead(original);
    expect(first.replacedInitializers).toEqual([head.weight.name, head.bias.name]);
    expect(tuned.graph.node).toEqual(original.graph.node);
    expect(tuned.graph.output).toEqual(original.graph.output);
    expect(tuned.graph.initializer.map((t) => t.name)).toEqual(original.graph.initializer.map((t) => t.name));
    original.graph.initializer.forEach((tensor, i) => {
      const after = tuned.graph.initializer[i];
      expect(after.dims).toEqual(tensor.dims);
      const same = Buffer.from(after.raw_data ?? []).equals(Buffer.from(tensor.raw_data ?? []));
      expect({ name: tensor.name, same }).toEqual({ name: tensor.name, same: tensor.name !== head.weight.name && tensor.name !== head.bias.name });
    });
    expect(existsSync(join(first.outDir, 'onnx/model_quantized.onnx'))).toBe(false);
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
      expect(readFileSync(join(first.outDir, file))).toEqual(readFileSync(join(base, file)));
    }
  });

  it('loads through TransformerModelRuntime (fp32) and predicts the cue words', async () => {
    const runtime = await TransformerModelRuntime.load(resolveModelSpec(first.outDir, {}, { defaultDtype: 'fp32' }), {
      cacheDir: join(work, 'cache'),
      intraOpNumThreads: 1,
      maxSubBatchSize: 16,
      maxSubBatchTokens: 1024,
    });
    try {
      const predictions = await runtime.predict(train.map((e) => e.text));
      const labels = ['negative', 'neutral', 'positive'];
      const correct = predictions.filter((p, i) => p.label === labels[train[i].label as number]).length;
      // The runtime sees exactly the head that was written.
      expect(correct / train.length).toBeCloseTo(first.after.trainAccuracy, 6);
    } finally {
      await runtime.dispose();
    }
  });

  it('is deterministic for a seed', async () => {
    const second = await fineTuneTransformerHead({ baseFolder: base, train, holdout, outDir: join(work, 'tuned-b'), seed: 42, epochs: 40 });
    expect(second).toEqual({ ...first, outDir: join(work, 'tuned-b') });
    expect(readFileSync(join(work, 'tuned-b/onnx/model.onnx')).equals(readFileSync(join(first.outDir, 'onnx/model.onnx')))).toBe(true);
  }, 30_000);
});
