import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { repoRoot } from './repo-files';

/** Absolute path of an executable on PATH, or undefined (CI installs promtool and amtool; a laptop may not have them). */
export const findExecutable = (name: string): string | undefined => {
  for (const directory of (process.env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
};

export interface ToolRun {
  status: number | null;
  /** stdout and stderr together, as a person running the command would read them. */
  output: string;
}

/** Runs a tool from the workspace root (rule and config paths are repository-relative), bounded in time. */
export const runTool = (executable: string, args: string[], timeoutMs = 60_000): ToolRun => {
  const result = spawnSync(executable, args, { cwd: repoRoot, encoding: 'utf8', timeout: timeoutMs });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
};
