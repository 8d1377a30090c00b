import {
  AutoModelForSequenceClassification,
  AutoTokenizer,
  PreTrainedModel,
  PreTrainedTokenizer,
  Tensor,
  env,
} from '@huggingface/transformers';
import { buildFixtureModel, FixtureModelInfo } from './fixture-model';
import { maxAbsDiff, removeTempDirs, tempDir } from './testing/ort-helpers';

// Offline: never look at the hub, never write a cache into node_modules.
env.allowRemoteModels = false;
env.useFSCache = false;

const TEXTS = ['I love this phone, the camera is amazing!', 'Worst service ever. Never again.', 'The meeting is at 3pm.'];

afterAll(removeTempDirs);
describe('tiny fixture through @huggingface/transformers (offline)', () => {
  let info: FixtureModelInfo;
  let tokenizer: PreTrainedTokenizer;

  beforeAll(async () => {
    info = await buildFixtureModel({ size: 'tiny', outDir: tempDir('transformers') });
    // absolute path as the model id
    tokenizer = await AutoTokenizer.from_pretrained(info.dir);
  });

  it('loads a RobertaTokenizer that wraps text in <s> … </s>', () => {
    expect(tokenizer.constructor.name).toBe('RobertaTokenizer');
    const ids = tokenizer.encode('this is good!');
    expect(ids[0]).toBe(0);
    expect(ids[ids.length - 1]).toBe(2);
    expect(ids.every((id) => id !== 3)).toBe(true); // no <unk>
  });

  it.each([
    ['ASCII', 'Hello, world! The quick brown fox jumps over 13 lazy dogs... @user #tag'],
    ['emoji', 'Great game 🔥🔥 👍🏽 and a family 👨‍👩‍👧 emoji'],
    ['accents and CJK', 'Café naïve résumé — 東京 ça va?'],
    ['whitespace', '  two  spaces\tand a tab\nnew line  '],
  ])('round-trips %s text: decode(encode(x)) === x', (_, text) => {
    const ids = tokenizer.encode(text);
    expect(ids.includes(3)).toBe(false);
    expect(tokenizer.decode(ids, { skip_special_tokens: true })).toBe(text);
  });

  it('truncates a 1000-word text to model_max_length = 128 tokens', () => {
    const long = Array.from({ length: 1000 }, (_, i) => ['good', 'bad', 'day', 'phone'][i % 4]).join(' ');
    const { input_ids } = tokenizer(long, { truncation: true });
    expect((input_ids as Tensor).dims).toEqual([1, 128]);
    const ids = Array.from((input_ids as Tensor).data as BigInt64Array, Number);
    expect(ids[0]).toBe(0);
  });

  it.each(['fp32', 'q8'] as const)('AutoModelForSequenceClassification (dtype %s) returns logits [n, 3]', async (dtype) => {
    const model: PreTrainedModel = await AutoModelForSequenceClassification.from_pretrained(info.dir, { dtype });
    try {
      const inputs = tokenizer(TEXTS, { padding: true, truncation: true });
      const { logits } = (await model(inputs)) as { logits: Tensor };
      expect(logits.dims).toEqual([TEXTS.length, 3]);
      expect((model.config as unknown as { id2label: unknown }).id2label).toEqual({ 0: 'negative', 1: 'neutral', 2: 'positive' });

      // same numbers one text at a time: right padding is invisible to the fp32 model; q8 differs
      // slightly because DynamicQuantizeLinear picks its range over the whole (padded) batch
      const batched = logits.tolist() as number[][];
      for (let i = 0; i < TEXTS.length; i++) {
        const single = ((await model(tokenizer([TEXTS[i]]))) as { logits: Tensor }).logits.tolist() as number[][];
        expect(maxAbsDiff([batched[i]], single)).toBeLessThan(dtype === 'fp32' ? 1e-5 : 0.1);
      }
      // a 1000-word text runs through the 130-position embedding table once truncated
      const long = Array.from({ length: 1000 }, () => 'word').join(' ');
      const out = (await model(tokenizer([long], { truncation: true }))) as { logits: Tensor };
      expect(out.logits.dims).toEqual([1, 3]);
    } finally {
      await model.dispose();
    }
  });
});
