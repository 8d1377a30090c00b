import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The workspace root: every operations file is addressed relative to it, as the README and CI do. */
export const repoRoot = resolve(__dirname, '../..');

export const repoPath = (...segments: string[]): string => join(repoRoot, ...segments);

export const readRepoFile = (path: string): string => readFileSync(repoPath(path), 'utf8');

export const repoFileExists = (path: string): boolean => existsSync(repoPath(path));

/** Every YAML document of a file (multi-document files such as Kubernetes manifests give several); parse errors throw with the file name. */
export const readYamlDocuments = (path: string): unknown[] =>
  parseAllDocuments(readRepoFile(path)).map((document) => {
    if (document.errors.length > 0) throw new Error(`${path}: ${document.errors.map((error) => error.message).join('; ')}`);
    return document.toJS();
  });

export const readYaml = (path: string): unknown => {
  const [first] = readYamlDocuments(path);
  return first;
};

/** Files under a folder (recursive), as repository-relative paths, filtered by name ending. */
export const listRepoFiles = (folder: string, endsWith = ''): string[] => {
  const found: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(endsWith)) found.push(relative(repoRoot, path));
    }
  };
  if (existsSync(repoPath(folder))) walk(repoPath(folder));
  return found.sort();
};
