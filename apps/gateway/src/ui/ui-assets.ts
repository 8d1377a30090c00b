import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

export interface UiAsset {
  body: string;
  contentType: string;
}

/** Chart.js's UMD build (defines window.Chart), served same-origin so the dashboard loads nothing from elsewhere. */
export const CHART_JS_FILE = 'chart.umd.min.js';

// The bundle keeps assets beside main.js; tests run from the sources one folder up.
const candidateDirs = (): string[] => [join(__dirname, 'assets', 'ui'), join(__dirname, '..', 'assets', 'ui')];

const contentType = (name: string): string => CONTENT_TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream';

/** Loads the web UI's few files once; only these names are ever served (no path from the URL). */
export const loadUiAssets = (names: readonly string[]): Map<string, UiAsset> => {
  const dir = candidateDirs().find((candidate) => existsSync(join(candidate, 'index.html')));
  if (!dir) throw new Error(`web UI assets not found in ${candidateDirs().join(' or ')}`);
  return new Map(names.map((name) => [name, { body: readFileSync(join(dir, name), 'utf8'), contentType: contentType(name) }]));
};

/**
 * Chart.js from the build's assets (webpack copies it there, see apps/gateway/webpack.config.js) or,
 * when running from the sources, from the nearest node_modules above this folder. Not require.resolve:
 * the package exports no path to its UMD file, and webpack would rewrite the call.
 */
export const loadChartJs = (): UiAsset => {
  const candidates = candidateDirs().map((dir) => join(dir, 'vendor', CHART_JS_FILE));
  for (let dir = __dirname; ; dir = dirname(dir)) {
    candidates.push(join(dir, 'node_modules', 'chart.js', 'dist', CHART_JS_FILE));
    if (dirname(dir) === dir) break;
  }
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`${CHART_JS_FILE} not found (is the chart.js package installed?)`);
  return { body: readFileSync(found, 'utf8'), contentType: contentType(CHART_JS_FILE) };
};
