/**
 * The feature hash: FNV-1a (32-bit) over the UTF-8 bytes of the feature string, then MurmurHash3's
 * fmix32 finaliser so the low bits (the bucket, for power-of-two bucket counts) are well mixed.
 * Trained weights are only meaningful with this exact function: changing it needs a new model.
 */
export const FEATURE_HASH = 'fnv1a32-utf8-fmix32';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Feeds one byte into an FNV-1a state. */
const fnvByte = (state: number, byte: number): number => Math.imul(state ^ byte, FNV_PRIME);

/** Feeds the UTF-8 encoding of one code point into an FNV-1a state. */
export const fnvCodePoint = (state: number, cp: number): number => {
  if (cp < 0x80) return fnvByte(state, cp);
  if (cp < 0x800) return fnvByte(fnvByte(state, 0xc0 | (cp >> 6)), 0x80 | (cp & 0x3f));
  if (cp < 0x10000) {
    return fnvByte(fnvByte(fnvByte(state, 0xe0 | (cp >> 12)), 0x80 | ((cp >> 6) & 0x3f)), 0x80 | (cp & 0x3f));
  }
  const head = fnvByte(fnvByte(state, 0xf0 | (cp >> 18)), 0x80 | ((cp >> 12) & 0x3f));
  return fnvByte(fnvByte(head, 0x80 | ((cp >> 6) & 0x3f)), 0x80 | (cp & 0x3f));
};

/** Feeds a string's code points (lone surrogates as themselves, like WTF-8) into an FNV-1a state. */
export const fnvString = (state: number, text: string): number => {
  let h = state;
  for (const ch of text) h = fnvCodePoint(h, ch.codePointAt(0) ?? 0);
  return h;
};

export const fnvStart = (): number => FNV_OFFSET;

/** MurmurHash3 fmix32; returns an unsigned 32-bit integer. */
export const fmix32 = (state: number): number => {
  let h = state;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

/** The full hash of a string. */
export const hashString = (text: string): number => fmix32(fnvString(FNV_OFFSET, text));
