import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** A fresh temp folder and its cleanup. */
export const tempDir = (prefix: string): { path: string; remove: () => void } => {
  const path = mkdtempSync(join(tmpdir(), `datasets-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
};

/** Writes a JSONL file; strings are written verbatim (to plant malformed lines). */
export const writeJsonl = (file: string, lines: ReadonlyArray<object | string>): string => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n');
  return file;
};

/** `count` tweet-like rows whose labels cycle through `pattern` (0/1/2 ids or names). */
export const tweetRows = (count: number, pattern: ReadonlyArray<number | string>): Array<{ text: string; label: number | string }> =>
  Array.from({ length: count }, (_, i) => ({ text: `tweet number ${i} `, label: pattern[i % pattern.length] }));

/** The folder holding nx.json. */
export const repoRoot = (): string => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
};

/** The offline data shipped next to the repo (absent on a fresh clone). */
export const sharedDataDir = (): string => resolve(repoRoot(), '..', 'shared', 'data');
