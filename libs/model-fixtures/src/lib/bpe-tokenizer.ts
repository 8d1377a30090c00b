/**
 * A small RoBERTa-style byte-level BPE tokenizer, trained deterministically and serialized in the
 * HF `tokenizers` JSON format that transformers.js (and Python `tokenizers`) load.
 */

export const SPECIAL_TOKENS = { bos: '<s>', pad: '<pad>', eos: '</s>', unk: '<unk>', mask: '<mask>' } as const;

// GPT-2 / RoBERTa pre-tokenization regex (the same one the ByteLevel pre-tokenizer applies).
const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2 bytes_to_unicode: printable stand-ins for the 256 byte values (space → "Ġ"). */
export const BYTE_TO_UNICODE: readonly string[] = (() => {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = String.fromCodePoint(printable.includes(b) ? b : 256 + extra++);
  }
  return table;
})();

const encoder = new TextEncoder();

/** Splits text like the ByteLevel pre-tokenizer (add_prefix_space=false); each piece as symbols. */
export function byteLevelPieces(text: string): string[][] {
  return (text.match(GPT2_SPLIT) ?? []).map((piece) => Array.from(encoder.encode(piece), (b) => BYTE_TO_UNICODE[b]));
}

export interface BpeTrainingOptions {
  corpus: readonly string[];
  /** Target size including the 5 special tokens and the 256 byte symbols. */
  vocabSize: number;
  /** A pair must occur at least this often to be merged. */
  minFrequency?: number;
}

export interface TrainedBpe {
  /** token → id: <s> <pad> </s> <unk>, 256 byte symbols, merged tokens, then <mask> last. */
  vocab: Record<string, number>;
  merges: [string, string][];
}

const pairKey = (a: string, b: string) => `${a} ${b}`; // symbols never contain a space

/**
 * Classic BPE training over word counts. Ties are broken by the lexicographically smallest pair,
 * so the result depends only on the corpus and the options.
 */
export function trainByteLevelBpe(options: BpeTrainingOptions): TrainedBpe {
  const { corpus, vocabSize, minFrequency = 2 } = options;
  const wordCounts = new Map<string, { symbols: string[]; count: number }>();
  for (const line of corpus) {
    for (const symbols of byteLevelPieces(line)) {
      const key = symbols.join('');
      const entry = wordCounts.get(key);
      if (entry) entry.count++;
      else wordCounts.set(key, { symbols, count: 1 });
    }
  }
  // Map iteration order is insertion order, so this is deterministic too.
  const words = [...wordCounts.values()];

  const vocab: Record<string, number> = {};
  const add = (token: string) => {
    if (!(token in vocab)) vocab[token] = Object.keys(vocab).length;
  };
  [SPECIAL_TOKENS.bos, SPECIAL_TOKENS.pad, SPECIAL_TOKENS.eos, SPECIAL_TOKENS.unk].forEach(add);
  BYTE_TO_UNICODE.forEach(add);
  const merges: [string, string][] = [];

  while (Object.keys(vocab).length < vocabSize - 1) {
    const pairs = new Map<string, number>();
    for (const { symbols, count } of words) {
      for (let i = 0; i < symbols.length - 1; i++) {
        const key = pairKey(symbols[i], symbols[i + 1]);
        pairs.set(key, (pairs.get(key) ?? 0) + count);
      }
    }
    let best: string | null = null;
    let bestCount = 0;
    for (const [key, count] of pairs) {
      if (count > bestCount || (count === bestCount && best !== null && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    if (best === null || bestCount < minFrequency) break;

    const [left, right] = best.split(' ') as [string, string];
    merges.push([left, right]);
    add(left + right);
    for (const word of words) word.symbols = mergePair(word.symbols, left, right);
  }
  add(SPECIAL_TOKENS.mask);
  return { vocab, merges };
}

function mergePair(symbols: string[], left: string, right: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i < symbols.length - 1 && symbols[i] === left && symbols[i + 1] === right) {
      out.push(left + right);
      i++;
    } else {
      out.push(symbols[i]);
    }
  }
  return out;
}

function addedToken(id: number, content: string, mask = false) {
  // Same flags as roberta-base's tokenizer.json (<mask> strips the space on its left).
  return { id, content, single_word: false, lstrip: mask, rstrip: false, normalized: !mask, special: true };
}

/** The `tokenizer.json` document (HF tokenizers format, RoBERTa layout). */
export function tokenizerJson(bpe: TrainedBpe): Record<string, unknown> {
  const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true };
  const { bos, pad, eos, unk, mask } = SPECIAL_TOKENS;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      ...[bos, pad, eos, unk].map((t) => addedToken(bpe.vocab[t], t)),
      addedToken(bpe.vocab[mask], mask, true),
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', ...byteLevel },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [eos, bpe.vocab[eos]],
      cls: [bos, bpe.vocab[bos]],
      trim_offsets: true,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', ...byteLevel, add_prefix_space: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: unk,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: bpe.vocab,
      merges: bpe.merges,
    },
  };
}

/** `tokenizer_config.json`, as roberta-base's but lossless on decode (no space clean-up). */
export function tokenizerConfigJson(modelMaxLength: number): Record<string, unknown> {
  const { bos, pad, eos, unk, mask } = SPECIAL_TOKENS;
  return {
    add_prefix_space: false,
    bos_token: bos,
    clean_up_tokenization_spaces: false,
    cls_token: bos,
    eos_token: eos,
    errors: 'replace',
    mask_token: mask,
    model_max_length: modelMaxLength,
    pad_token: pad,
    sep_token: eos,
    tokenizer_class: 'RobertaTokenizer',
    trim_offsets: true,
    unk_token: unk,
  };
}

export function specialTokensMapJson(): Record<string, string> {
  const { bos, pad, eos, unk, mask } = SPECIAL_TOKENS;
  return { bos_token: bos, eos_token: eos, unk_token: unk, sep_token: eos, pad_token: pad, cls_token: bos, mask_token: mask };
}

/** Slow-tokenizer files (`vocab.json`, `merges.txt`) for parity with hub folders. */
export function vocabJson(bpe: TrainedBpe): Record<string, number> {
  return bpe.vocab;
}

export function mergesTxt(bpe: TrainedBpe): string {
  return ['#version: 0.2', ...bpe.merges.map(([a, b]) => `${a} ${b}`)].join('\n') + '\n';
}
