// Local bindings: inside Jest's vm context every `Math.x` is a slow global lookup (100x here).
const { imul, log, sqrt, sin, cos, PI } = Math;

/** mulberry32: tiny, fast, good enough for weight init; returns uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 32-bit seed for one named stream (FNV-1a over the name, then mixed with the model seed), so
 * every tensor has an independent, reproducible stream regardless of generation order.
 */
export function streamSeed(seed: number, key: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  // murmur3 finalizer: spreads the bits of similar names apart
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Standard normal samples (Box–Muller over mulberry32), deterministic per (seed, key). */
export function normalStream(seed: number, key: string): () => number {
  const uniform = mulberry32(streamSeed(seed, key));
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    // 1 - u keeps the log argument in (0, 1]
    const radius = sqrt(-2 * log(1 - uniform()));
    const angle = 2 * PI * uniform();
    spare = radius * sin(angle);
    return radius * cos(angle);
  };
}
