/** Deterministic PRNG (mulberry32) in [0, 1): same seed, same sequence, on every platform. */
export const seededRandom = (seed: number): (() => number) => {
  // Fold high bits in so seeds beyond 2^32 still differ; splitmix-style scramble avoids weak seeds like 0.
  let state = (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) >>> 0;
  state = Math.imul(state ^ (state >>> 16), 0x85ebca6b) >>> 0;
  state = Math.imul(state ^ (state >>> 13), 0xc2b2ae35) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** Uniform sample of `capacity` items from a stream of unknown length (Algorithm R), O(capacity) memory. */
export class Reservoir<T> {
  readonly items: T[] = [];
  private seen = 0;

  constructor(
    private readonly capacity: number,
    private readonly random: () => number,
  ) {}

  offer(item: T): void {
    this.seen += 1;
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    const slot = Math.floor(this.random() * this.seen);
    if (slot < this.capacity) this.items[slot] = item;
  }
}

/**
 * Splits `total` over classes proportionally to `counts` (Hamilton / largest remainder), so the
 * parts sum to exactly `total`. Ties go to the larger class, then to the earlier one.
 */
export const largestRemainder = <K extends string>(counts: Readonly<Record<K, number>>, total: number): Record<K, number> => {
  const keys = Object.keys(counts) as K[];
  const population = keys.reduce((sum, k) => sum + counts[k], 0);
  const quotas = {} as Record<K, number>;
  if (population === 0) {
    for (const k of keys) quotas[k] = 0;
    return quotas;
  }
  const exact = keys.map((k, order) => ({ k, order, value: (total * counts[k]) / population }));
  for (const { k, value } of exact) quotas[k] = Math.floor(value);
  let left = total - keys.reduce((sum, k) => sum + quotas[k], 0);
  const byRemainder = [...exact].sort(
    (a, b) => b.value - Math.floor(b.value) - (a.value - Math.floor(a.value)) || counts[b.k] - counts[a.k] || a.order - b.order,
  );
  for (const { k } of byRemainder) {
    if (left <= 0) break;
    quotas[k] += 1;
    left -= 1;
  }
  return quotas;
};
