import { fmix32, fnvCodePoint, fnvStart, fnvString } from './hash';
import { parseFeaturizerSettings, type FeaturizerSettings } from './featurizer-settings';

/** One text as hashed features: bucket indices ascending, L2-normalised values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

/** Many texts in CSR form: row r holds entries offsets[r] .. offsets[r + 1] - 1. */
export interface SparseMatrix {
  rows: number;
  offsets: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/**
 * The cardiffnlp model card's preprocessing: mentions become `@user`, links `http`. Splitting on
 * single spaces (not any white space) is what the card does.
 */
export const preprocessTweet = (text: string): string =>
  text
    .split(' ')
    .map((token) => {
      if (token.startsWith('@') && token.length > 1) return '@user';
      if (token.startsWith('http')) return 'http';
      return token;
    })
    .join(' ');

const UNICODE_ESCAPE = /\\u([0-9a-fA-F]{4})/g;

// Feature-family prefixes keep a word and an identical character n-gram apart in the hash.
const WORD_PREFIX = fnvString(fnvStart(), 'w:');
const CHAR_PREFIX = fnvString(fnvStart(), 'c:');
const NEGATED_PREFIX = fnvString(fnvStart(), 'n:');
const SPACE = 0x20;
const BOUNDARY_START = '<'.codePointAt(0) ?? 0;
const BOUNDARY_END = '>'.codePointAt(0) ?? 0;

/** Deterministic text → sparse hashed n-gram vector; pure, identical at train and serve time. */
export class Featurizer {
  readonly settings: FeaturizerSettings;
  private readonly tokenPattern: RegExp;
  private readonly repeatPattern: RegExp | null;
  private accumulator?: Scratch;
  private readonly negation: { words: Set<string>; end: RegExp } | null;

  constructor(settings: FeaturizerSettings) {
    this.settings = parseFeaturizerSettings(settings);
    this.tokenPattern = new RegExp(this.settings.tokenPattern, 'gu');
    const repeat = this.settings.maxCharRepeat;
    const negation = this.settings.negation;
    this.negation = negation ? { words: new Set(negation.words), end: new RegExp(negation.scopeEndPattern, 'u') } : null;
    this.repeatPattern = repeat > 0 ? new RegExp(`(\\p{L})\\1{${repeat},}`, 'gu') : null;
  }

  /** The text the tokenizer sees (escapes decoded, card preprocessing, lowercase, repeats cut). */
  normalise(text: string): string {
    let out = text;
    if (this.settings.decodeUnicodeEscapes) out = out.replace(UNICODE_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (this.settings.tweetPreprocessing) out = preprocessTweet(out);
    if (this.settings.lowercase) out = out.toLowerCase();
    if (this.repeatPattern) out = out.replace(this.repeatPattern, (_, ch: string) => ch.repeat(this.settings.maxCharRepeat));
    return out;
  }

  tokenize(text: string): string[] {
    return this.normalise(text).match(this.tokenPattern) ?? [];
  }

  featurize(text: string): SparseVector {
    const { wordNgrams, charNgrams, wordWeight, charWeight } = this.settings;
    const tokens = this.tokenize(text);
    const negated = this.negatedTokens(tokens);
    const words = new HashList();
    const chars = new HashList();
    for (let i = 0; i < tokens.length; i++) {
      // incremental hash of "w:" + tokens[i..i+n) joined by single spaces; negated unigrams use "n:"
      let state = negated[i] ? NEGATED_PREFIX : WORD_PREFIX;
      for (let n = 1; n <= wordNgrams[1] && i + n <= tokens.length; n++) {
        if (n === 2 && negated[i]) state = fnvString(WORD_PREFIX, tokens[i]);
        if (n > 1) state = fnvCodePoint(state, SPACE);
        state = fnvString(state, tokens[i + n - 1]);
        if (n >= wordNgrams[0]) words.push(fmix32(state));
      }
      if (charNgrams && this.settings.charScope === 'token') this.charHashes(tokens[i], charNgrams, chars);
    }
    if (charNgrams && this.settings.charScope === 'text') this.charHashes(tokens.join(' '), charNgrams, chars);
    const scratch = this.scratch();
    this.accumulate(words, wordWeight, scratch);
    this.accumulate(chars, charWeight, scratch);
    return this.finish(scratch);
  }

  /** Which tokens follow a negation word, up to the next clause punctuation. */
  private negatedTokens(tokens: readonly string[]): boolean[] {
    const flags = new Array<boolean>(tokens.length).fill(false);
    if (!this.negation) return flags;
    let inScope = false;
    for (let i = 0; i < tokens.length; i++) {
      if (this.negation.end.test(tokens[i])) inScope = false;
      else if (this.negation.words.has(tokens[i])) inScope = true;
      else flags[i] = inScope;
    }
    return flags;
  }

  featurizeMany(texts: readonly string[]): SparseMatrix {
    const vectors = texts.map((text) => this.featurize(text));
    const offsets = new Int32Array(texts.length + 1);
    vectors.forEach((v, i) => (offsets[i + 1] = offsets[i] + v.indices.length));
    const indices = new Int32Array(offsets[texts.length]);
    const values = new Float32Array(offsets[texts.length]);
    vectors.forEach((v, i) => {
      indices.set(v.indices, offsets[i]);
      values.set(v.values, offsets[i]);
    });
    return { rows: texts.length, offsets, indices, values };
  }

  private tf(count: number): number {
    if (this.settings.tf === 'binary') return 1;
    return this.settings.tf === 'raw' ? count : 1 + Math.log(count);
  }

  /** Hashes of the character n-grams of `<token>`, over code points. */
  private charHashes(token: string, [min, max]: readonly [number, number], out: HashList): void {
    const cps = [BOUNDARY_START];
    for (const ch of token) cps.push(ch.codePointAt(0) ?? 0);
    cps.push(BOUNDARY_END);
    for (let start = 0; start < cps.length; start++) {
      let state = CHAR_PREFIX;
      for (let n = 1; n <= max && start + n <= cps.length; n++) {
        state = fnvCodePoint(state, cps[start + n - 1]);
        if (n >= min) out.push(fmix32(state));
      }
    }
  }

  // One dense accumulator per featurizer (buckets × 8 bytes), reset after each text; far faster
  // than a Map per text when featurizing a whole training split.
  private scratch(): Scratch {
    this.accumulator ??= { sums: new Float64Array(this.settings.buckets), touched: new Int32Array(1024), count: 0 };
    return this.accumulator;
  }

  /** Counts each distinct feature hash, applies the tf transform and adds it to its bucket. */
  private accumulate(list: HashList, scale: number, scratch: Scratch): void {
    const hashes = list.sorted();
    const mask = this.settings.buckets - 1;
    for (let i = 0; i < hashes.length; ) {
      let j = i + 1;
      while (j < hashes.length && hashes[j] === hashes[i]) j++;
      const bucket = hashes[i] & mask;
      if (scratch.sums[bucket] === 0) {
        if (scratch.count === scratch.touched.length) {
          const grown = new Int32Array(scratch.touched.length * 2);
          grown.set(scratch.touched);
          scratch.touched = grown;
        }
        scratch.touched[scratch.count++] = bucket;
      }
      scratch.sums[bucket] += scale * this.tf(j - i);
      i = j;
    }
  }

  /** Keeps the K largest weights (ties: lower bucket), sorts by bucket, L2-normalises, resets the scratch. */
  private finish(scratch: Scratch): SparseVector {
    let buckets = scratch.touched.slice(0, scratch.count);
    const { sums } = scratch;
    if (buckets.length > this.settings.maxFeatures) {
      buckets = Int32Array.from([...buckets].sort((a, b) => sums[b] - sums[a] || a - b).slice(0, this.settings.maxFeatures));
    }
    buckets.sort();
    let norm = 0;
    for (const bucket of buckets) norm += sums[bucket] * sums[bucket];
    norm = Math.sqrt(norm) || 1;
    const values = Float32Array.from(buckets, (bucket) => sums[bucket] / norm);
    for (let i = 0; i < scratch.count; i++) sums[scratch.touched[i]] = 0;
    scratch.count = 0;
    return { indices: buckets, values };
  }
}

interface Scratch {
  sums: Float64Array;
  touched: Int32Array;
  count: number;
}

/** Growable list of uint32 hashes. */
class HashList {
  private data = new Uint32Array(512);
  private length = 0;

  push(hash: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = hash;
  }

  sorted(): Uint32Array {
    return this.data.subarray(0, this.length).sort();
  }
}
