import { APP_CONTRACTS } from '../app-contracts';
import type { AppDefinition } from './compose-stack';

/**
 * Our apps by Nx project name (what a Dockerfile builds with `nx build <project>`), from the same contracts
 * deploy/ is checked against (the apps' own env schemas, config loaders and controllers): a variable renamed
 * or tightened, or a probe route renamed, in an app fails the compose checks.
 */
export const STACK_APPS: Readonly<Record<string, AppDefinition>> = Object.fromEntries(
  APP_CONTRACTS.map((app) => [
    app.name,
    { envKeys: app.envNames, load: app.loadConfig, parse: app.parseEnv, getRoutes: new Set([...app.probePaths, app.metricsPath]) },
  ]),
);

const versionParts = (version: string): number[] => version.replace(/^v/, '').split('.').map(Number);

/**
 * Whether a Node version satisfies package.json `engines.node` (a `>=major.minor[.patch]` floor): at or above
 * the floor, and in the same major line (an image on the next major would be a different runtime, untested).
 */
export const enginesAcceptNode = (engines: string, version: string): boolean => {
  const floor = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(engines.trim())?.[1];
  if (!floor) throw new Error(`engines.node ${JSON.stringify(engines)} is not a >= floor`);
  const [wanted, actual] = [versionParts(floor), versionParts(version)];
  if (actual[0] !== wanted[0]) return false;
  for (let i = 0; i < 3; i++) if ((actual[i] ?? 0) !== (wanted[i] ?? 0)) return (actual[i] ?? 0) > (wanted[i] ?? 0);
  return true;
};
