import { RobertaTokenizer } from '@huggingface/transformers';
import {
  BYTE_TO_UNICODE,
  byteLevelPieces,
  mergesTxt,
  tokenizerConfigJson,
  tokenizerJson,
  trainByteLevelBpe,
} from './bpe-tokenizer';
import { TINY_CORPUS } from './corpus';

describe('byte-level BPE training', () => {
  const bpe = trainByteLevelBpe({ corpus: TINY_CORPUS, vocabSize: 1000 });
  const ids = Object.values(bpe.vocab);

  it('maps the 256 bytes to distinct printable symbols like GPT-2 (space → Ġ)', () => {
    expect(new Set(BYTE_TO_UNICODE).size).toBe(256);
    expect(BYTE_TO_UNICODE[0x20]).toBe('Ġ');
    expect(BYTE_TO_UNICODE[0x0a]).toBe('Ċ');
    expect(BYTE_TO_UNICODE[0x41]).toBe('A');
    expect(byteLevelPieces("I'm here!")).toEqual([['I'], ["'", 'm'], ['Ġ', 'h', 'e', 'r', 'e'], ['!']]);
  });

  it('lays out the vocab RoBERTa style: specials 0-3, all 256 bytes, merges, <mask> last', () => {
    expect([bpe.vocab['<s>'], bpe.vocab['<pad>'], bpe.vocab['</s>'], bpe.vocab['<unk>']]).toEqual([0, 1, 2, 3]);
    BYTE_TO_UNICODE.forEach((symbol, byte) => expect(bpe.vocab[symbol]).toBe(4 + byte));
    expect(bpe.vocab['<mask>']).toBe(ids.length - 1);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids.map((_, i) => i)); // dense ids
    expect(ids.length).toBeGreaterThanOrEqual(500);
    expect(ids.length).toBeLessThanOrEqual(2000);
  });

  it('learns merges whose parts and results are all in the vocab, frequent words first', () => {
    for (const [a, b] of bpe.merges) {
      expect(bpe.vocab[a]).toBeDefined();
      expect(bpe.vocab[a + b]).toBeDefined();
      expect(bpe.vocab[b]).toBeDefined();
    }
    for (const word of ['Ġthe', 'Ġand', 'Ġgood', 'Ġnew', 'Ġis']) expect(bpe.vocab[word]).toBeDefined();
    expect(bpe.merges[0]).toEqual(['Ġ', 't']);
    expect(mergesTxt(bpe).split('\n')[0]).toBe('#version: 0.2');
  });

  it('is deterministic and honours the size limit', () => {
    expect(trainByteLevelBpe({ corpus: TINY_CORPUS, vocabSize: 1000 })).toEqual(bpe);
    const small = trainByteLevelBpe({ corpus: TINY_CORPUS, vocabSize: 300 });
    expect(Object.keys(small.vocab)).toHaveLength(300);
    expect(small.merges).toHaveLength(300 - 4 - 256 - 1);
  });

  it('tokenizes with the learned merges when loaded by transformers.js', () => {
    const tokenizer = new RobertaTokenizer(tokenizerJson(bpe), tokenizerConfigJson(128));
    const tokens = ['I', 'Ġlove', 'Ġthe', 'Ġnew', 'Ġphone', '!'];
    expect(tokenizer.tokenize('I love the new phone!')).toEqual(tokens);
    expect(tokenizer.encode('I love the new phone!')).toEqual([0, ...tokens.map((t) => bpe.vocab[t]), 2]);
  });
});
