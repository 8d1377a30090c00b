import { existsSync, readFileSync } from 'node:fs';
import { seededRandom } from '@sentiment-ops/datasets';

/** A seeded Fisher-Yates shuffle, so every run and every contender sees the same text order. */
const shuffled = <T>(items: readonly T[], seed: number): T[] => {
  const out = [...items];
  const next = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
};

/** Texts of a JSONL corpus (`{"text": ...}` per line), shuffled with a fixed seed, at most `limit`. */
export const loadCorpus = (path: string, limit: number, seed = 7): string[] => {
  if (!existsSync(path)) throw new Error(`corpus ${path} not found (pass --corpus FILE.jsonl)`);
  const texts = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line, index) => {
      const row = JSON.parse(line) as { text?: unknown };
      if (typeof row.text !== 'string') throw new Error(`${path}:${index + 1}: no "text" string`);
      return row.text;
    });
  if (texts.length === 0) throw new Error(`corpus ${path} has no rows`);
  return shuffled(texts, seed).slice(0, limit);
};

/** Cycles through the corpus forever: `next()` returns the following text. */
export class TextCycle {
  private index = 0;
  constructor(private readonly texts: readonly string[]) {}
  next(): string {
    const text = this.texts[this.index];
    this.index = (this.index + 1) % this.texts.length;
    return text;
  }
  take(count: number): string[] {
    return Array.from({ length: count }, () => this.next());
  }
}
