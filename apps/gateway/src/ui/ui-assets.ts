import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

export interface UiAsset {
  body: string;
  contentType: string;
}

// The bundle keeps assets beside main.js; tests run from the sources one folder up.
const candidateDirs = (): string[] => [join(__dirname, 'assets', 'ui'), join(__dirname, '..', 'assets', 'ui')];

/** Loads the web UI's few files once; only these names are ever served (no path from the URL). */
export const loadUiAssets = (names: readonly string[]): Map<string, UiAsset> => {
  const dir = candidateDirs().find((candidate) => existsSync(join(candidate, 'index.html')));
  if (!dir) throw new Error(`web UI assets not found in ${candidateDirs().join(' or ')}`);
  return new Map(
    names.map((name) => [name, { body: readFileSync(join(dir, name), 'utf8'), contentType: CONTENT_TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream' }]),
  );
};
