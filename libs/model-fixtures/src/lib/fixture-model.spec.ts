import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFixtureModel } from './fixture-model';
import { DEFAULT_SEED, FIXTURE_BUILDER } from './fixture-config';
import { createSession, runLogits, removeTempDirs, tempDir } from './testing/ort-helpers';

const ROBERTA_BASE_TOKENIZER = '/work/shared/data/tokenizers/roberta-base';
const readJson = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));

afterAll(removeTempDirs);
describe('buildFixtureModel', () => {
  it('writes the hub layout with a cardiffnlp-like config.json for size tiny', async () => {
    const info = await buildFixtureModel({ size: 'tiny', outDir: tempDir('fixture-tiny') });
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx']) {
      expect(existsSync(join(info.dir, file))).toBe(true);
      expect(info.files.find((f) => f.path === file)?.bytes).toBeGreaterThan(0);
    }
    const config = readJson(info.dir, 'config.json');
    expect(config).toEqual(info.config);
    expect(config).toMatchObject({
      model_type: 'roberta',
      architectures: ['RobertaForSequenceClassification'],
      id2label: { '0': 'negative', '1': 'neutral', '2': 'positive' },
      label2id: { negative: 0, neutral: 1, positive: 2 },
      hidden_size: 32,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      intermediate_size: 64,
      max_position_embeddings: 130,
      vocab_size: info.vocabSize,
      type_vocab_size: 1,
      pad_token_id: 1,
      bos_token_id: 0,
      eos_token_id: 2,
      layer_norm_eps: 1e-5,
      hidden_act: 'gelu',
      _fixture: { size: 'tiny', seed: DEFAULT_SEED, builder: FIXTURE_BUILDER },
    });
    expect(readJson(info.dir, 'tokenizer_config.json')).toMatchObject({ tokenizer_class: 'RobertaTokenizer', model_max_length: 128 });
    expect(readJson(info.dir, 'special_tokens_map.json')).toMatchObject({ pad_token: '<pad>', mask_token: '<mask>' });
    expect(Object.keys(readJson(info.dir, 'tokenizer.json').model.vocab)).toHaveLength(info.vocabSize);
    // 2 layers × (4·32·32 + 2·32·64 + biases and LayerNorms) + embeddings + head
    const h = 32;
    const layer = 4 * (h * h + h) + 2 * h + (h * 64 + 64) + (64 * h + h) + 2 * h;
    const embeddings = (info.vocabSize + 130 + 1) * h + 2 * h;
    expect(info.parameterCount).toBe(2 * layer + embeddings + (h * h + h) + (h * 3 + 3));
  });

  it('accepts other label names and a different logits width', async () => {
    const id2label = { '0': 'LABEL_0', '1': 'LABEL_1', '2': 'LABEL_2' };
    const info = await buildFixtureModel({ size: 'tiny', outDir: tempDir('fixture-labels'), id2label });
    expect(readJson(info.dir, 'config.json')).toMatchObject({ id2label, label2id: { LABEL_0: 0, LABEL_1: 1, LABEL_2: 2 } });
    expect(existsSync(join(info.dir, 'onnx/model_quantized.onnx'))).toBe(true);

    // rebuilding into the same folder with fewer dtypes drops the now stale q8 file
    const two = await buildFixtureModel({ size: 'tiny', outDir: info.dir, numLabels: 2, dtypes: ['fp32'] });
    expect(existsSync(join(two.dir, 'onnx/model_quantized.onnx'))).toBe(false);
    expect(two.files.map((f) => f.path)).not.toContain('onnx/model_quantized.onnx');
    const session = await createSession(join(two.dir, 'onnx/model.onnx'));
    expect((await runLogits(session, [[0, 10, 2]]))[0]).toHaveLength(2);
    await session.release();
  });

  it('copies a hub tokenizer folder and takes vocab_size from it', async () => {
    const info = await buildFixtureModel({ size: 'tiny', outDir: tempDir('fixture-copied'), tokenizerDir: ROBERTA_BASE_TOKENIZER, dtypes: ['fp32'] });
    expect(info.vocabSize).toBe(50265);
    expect(readJson(info.dir, 'config.json').vocab_size).toBe(50265);
    expect(readFileSync(join(info.dir, 'tokenizer.json')).equals(readFileSync(join(ROBERTA_BASE_TOKENIZER, 'tokenizer.json')))).toBe(true);
    for (const file of ['vocab.json', 'merges.txt', 'special_tokens_map.json']) expect(existsSync(join(info.dir, file))).toBe(true);
    // roberta-base says 512, but tiny only has 130 positions
    expect(readJson(info.dir, 'tokenizer_config.json').model_max_length).toBe(128);
    const session = await createSession(join(info.dir, 'onnx/model.onnx'));
    expect((await runLogits(session, [[0, 50264, 31414, 2]]))[0]).toHaveLength(3);
    await session.release();
  });

  it('rejects bad options with clear messages', async () => {
    const outDir = tempDir('fixture-bad');
    await expect(buildFixtureModel({ size: 'base', outDir })).rejects.toThrow(/needs a tokenizer folder/);
    await expect(buildFixtureModel({ size: 'huge' as 'tiny', outDir })).rejects.toThrow(/unknown fixture size/);
    await expect(buildFixtureModel({ size: 'tiny', outDir, seed: -1 })).rejects.toThrow(/seed/);
    await expect(buildFixtureModel({ size: 'tiny', outDir, id2label: { '1': 'a' } })).rejects.toThrow(/id2label keys/);
    await expect(buildFixtureModel({ size: 'tiny', outDir, id2label: { '0': 'a', '1': 'a' } })).rejects.toThrow(/distinct/);
    await expect(buildFixtureModel({ size: 'tiny', outDir, architecture: { numAttentionHeads: 5 } })).rejects.toThrow(/multiple/);
    await expect(buildFixtureModel({ size: 'tiny', outDir, numLabels: 0 })).rejects.toThrow(/numLabels/);
    await expect(buildFixtureModel({ size: 'tiny', outDir, tokenizerDir: outDir })).rejects.toThrow(/has no tokenizer.json/);
  });
});
