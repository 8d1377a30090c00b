import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFixtureModel } from '@sentiment-ops/model-fixtures';
import { resolveModelSpec, type ModelDtype, type ModelRegistry } from './model-registry';
import { TransformerModelRuntime } from './transformer-runtime';
import { configureTransformersEnv } from './transformers-env';

// The real loading path (transformers.js + onnxruntime-node) on fixture models the project builds.
describe('TransformerModelRuntime on a local fixture model', () => {
  let work: string;
  let fixture: string;
  const runtimes: TransformerModelRuntime[] = [];

  const load = async (location: string, dtype: ModelDtype = 'fp32', registry: ModelRegistry = {}, name = location) => {
    const runtime = await TransformerModelRuntime.load(resolveModelSpec(name, registry, { defaultDtype: dtype }), {
      cacheDir: join(work, 'cache'),
      intraOpNumThreads: 1,
      maxSubBatchSize: 4,
      maxSubBatchTokens: 256,
    });
    runtimes.push(runtime);
    return runtime;
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'runtime-'));
    configureTransformersEnv({ cacheDir: join(work, 'cache'), offline: true });
    fixture = (await buildFixtureModel({ size: 'tiny', outDir: join(work, 'tiny'), seed: 7 })).dir;
  });

  afterAll(async () => {
    await Promise.all(runtimes.map((runtime) => runtime.dispose()));
    rmSync(work, { recursive: true, force: true });
  });

  it('describes the loaded model: name, dtype, content version and maximum length', async () => {
    const runtime = await load(fixture, 'q8');
    expect(runtime.descriptor).toMatchObject({ name: fixture, source: fixture, dtype: 'q8', revision: 'main', maxLength: 128 });
    expect(runtime.descriptor.version).toMatch(/^[0-9a-f]{12}$/);
    const fp32 = await load(fixture, 'fp32');
    expect(fp32.descriptor.version).not.toBe(runtime.descriptor.version); // different ONNX file
  });

  it('returns predictions in input order, identical to one-at-a-time runs across sub-batches (fp32)', async () => {
    const runtime = await load(fixture);
    const texts = ['short', 'a somewhat longer sentence about the weather today', 'ok', 'medium length text here', 'x y z', 'the longest of them all, with many words and a few commas, really'];
    const batched = await runtime.predict(texts);
    for (const [index, text] of texts.entries()) {
      const [single] = await runtime.predict([text]);
      for (const label of ['negative', 'neutral', 'positive'] as const) {
        expect(Math.abs(single.probabilities[label] - batched[index].probabilities[label])).toBeLessThan(1e-5);
      }
      expect(batched[index].tokens).toBe(single.tokens);
    }
    // Sorted by length into sub-batches of at most 4 rows: more than one model run.
    let runs: number[] = [];
    await runtime.predict(texts, (stats) => (runs = stats.subBatches));
    expect(runs.reduce((a, b) => a + b, 0)).toBe(texts.length);
    expect(runs.length).toBeGreaterThan(1);
    // Each run's predictions are reported as soon as they exist, every text exactly once.
    const reported: number[][] = [];
    const partials = new Map<number, number>();
    await runtime.predict(texts, undefined, (indices, predictions) => {
      reported.push([...indices]);
      indices.forEach((index, i) => partials.set(index, predictions[i].probabilities.positive));
    });
    expect(reported.map((indices) => indices.length)).toEqual(runs);
    expect([...partials.keys()].sort()).toEqual(texts.map((_, index) => index));
    texts.forEach((_, index) => expect(partials.get(index)).toBeCloseTo(batched[index].probabilities.positive, 5));
  });

  it('applies the model card preprocessing (mentions → @user, links → http)', async () => {
    const runtime = await load(fixture);
    const [a, b, raw] = await runtime.predict(['@alice loves it https://x.example/1', '@bob loves it http://y.example', '@user loves it http']);
    expect(a.probabilities).toEqual(b.probabilities);
    expect(a.probabilities).toEqual(raw.probabilities);
  });

  it('truncates long texts at the model maximum length instead of failing', async () => {
    const runtime = await load(fixture);
    const long = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const [truncated, longer] = await runtime.predict([long, `${long} and even more words at the end that the model never sees`]);
    expect(truncated.tokens).toBe(128);
    expect(longer.probabilities).toEqual(truncated.probabilities);
  });

  it('maps classes through config.json id2label, not a hard-coded order', async () => {
    const permuted = (await buildFixtureModel({ size: 'tiny', outDir: join(work, 'permuted'), seed: 7, id2label: { 0: 'Positive', 1: 'NEG', 2: 'neutral' } })).dir;
    const [normal] = await (await load(fixture)).predict(['labels come from the config']);
    const [mapped] = await (await load(permuted)).predict(['labels come from the config']);
    // Same weights: class 0 is "negative" in one model and "positive" in the other.
    expect(mapped.probabilities.positive).toBeCloseTo(normal.probabilities.negative, 6);
    expect(mapped.probabilities.negative).toBeCloseTo(normal.probabilities.neutral, 6);
    expect(mapped.probabilities.neutral).toBeCloseTo(normal.probabilities.positive, 6);
  });

  it('refuses unmappable labels unless the registry gives the order', async () => {
    const generic = (await buildFixtureModel({ size: 'tiny', outDir: join(work, 'generic'), seed: 7, id2label: { 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' } })).dir;
    await expect(load(generic)).rejects.toThrow(/LABEL_0.*registry/);
    const runtime = await load(generic, 'fp32', { generic: { source: generic, revision: 'main', labels: ['negative', 'neutral', 'positive'] } }, 'generic');
    expect(runtime.descriptor.name).toBe('generic');
    expect(await runtime.predict(['fine'])).toHaveLength(1);
  });

  it('names the missing file of an incomplete model folder', async () => {
    const broken = (await buildFixtureModel({ size: 'tiny', outDir: join(work, 'broken'), seed: 7 })).dir;
    rmSync(join(broken, 'tokenizer_config.json'));
    await expect(load(broken)).rejects.toThrow(/missing tokenizer_config\.json/);
  });

  it('serves the int8 model close to the fp32 one', async () => {
    const texts = ['good', 'bad service', 'the meeting is at noon'];
    const fp32 = await (await load(fixture, 'fp32')).predict(texts);
    const q8 = await (await load(fixture, 'q8')).predict(texts);
    q8.forEach((prediction, i) => {
      for (const label of ['negative', 'neutral', 'positive'] as const) expect(Math.abs(prediction.probabilities[label] - fp32[i].probabilities[label])).toBeLessThan(0.05);
    });
  });
});
