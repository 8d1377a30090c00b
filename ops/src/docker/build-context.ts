import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { readRepoFile, repoFileExists, repoPath } from '../repo-files';

/** A `.dockerignore` pattern as a regular expression over context-relative paths (`**`, `*`, `?`). */
const patternRegex = (pattern: string): RegExp => {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*' && pattern[i + 1] === '*') {
      // `**/` matches any number of folders, including none.
      source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
};

/**
 * Whether `.dockerignore` keeps a path out of the context: the last matching pattern wins (`!` re-includes),
 * and a pattern matching a folder excludes everything below it.
 */
export const dockerignoreExcludes = (ignoreText: string): ((path: string) => boolean) => {
  const rules = ignoreText
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = posix.normalize((negated ? line.slice(1) : line).trim()).replace(/^\/+|\/+$/g, '');
      return { negated, regex: patternRegex(pattern) };
    });
  return (path) => {
    const segments = posix.normalize(path).replace(/^\.\/|\/+$/g, '').split('/');
    const prefixes = segments.map((_, index) => segments.slice(0, index + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (prefixes.some((prefix) => rule.regex.test(prefix))) excluded = !rule.negated;
    return excluded;
  };
};

/** The files a build context (a repository folder) sends to the builder: present on disk and not ignored. */
export const buildContext = (contextDir: string): ((path: string) => boolean) => {
  const ignorePath = posix.join(contextDir, '.dockerignore');
  const excludes = dockerignoreExcludes(repoFileExists(ignorePath) ? readRepoFile(ignorePath) : '');
  return (path) => {
    const relative = posix.normalize(path).replace(/^\.\//, '');
    if (relative === '.' || relative === '') return true;
    return existsSync(repoPath(contextDir, relative)) && !excludes(relative);
  };
};
