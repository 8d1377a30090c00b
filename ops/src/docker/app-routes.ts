import { posix } from 'node:path';
import { listRepoFiles, readRepoFile } from '../repo-files';

const joinRoute = (...parts: string[]): string => posix.join('/', ...parts.filter(Boolean));

/**
 * GET paths an app serves, read from its controllers' decorators (`@Controller('health')` + `@Get('ready')`
 * → `/health/ready`). Read from the sources, not imported: probes and scrape paths are checked against
 * the routes the code declares.
 */
export const appGetRoutes = (project: string): Set<string> => {
  const routes = new Set<string>();
  const controllers = listRepoFiles(`apps/${project}/src`, '.controller.ts');
  for (const file of controllers) {
    const text = readRepoFile(file);
    const prefix = /@Controller\(\s*(?:'([^']*)')?\s*\)/.exec(text);
    if (!prefix) continue;
    for (const get of text.matchAll(/@Get\(\s*(?:'([^']*)')?\s*\)/g)) routes.add(joinRoute(prefix[1] ?? '', get[1] ?? ''));
  }
  return routes;
};
