import { spawn, spawnSync } from 'node:child_process';
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

export interface BackgroundTool {
  output(): string;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a long-running tool (e.g. a Prometheus server for a test), keeping its output for failure messages. */
export const startTool = (executable: string, args: string[]): BackgroundTool => {
  const child = spawn(executable, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    output: () => output,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
};
