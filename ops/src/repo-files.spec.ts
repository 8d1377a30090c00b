import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { listRepoFiles, readYaml, readYamlDocuments, repoFileExists, repoPath } from './repo-files';

describe('repository file helpers', () => {
  it('finds the workspace root and lists files by ending', () => {
    expect(repoFileExists('package.json')).toBe(true);
    expect(listRepoFiles('ops/src', '.ts')).toContain('ops/src/repo-files.ts');
    expect(listRepoFiles('no-such-folder')).toEqual([]);
  });

  it('parses YAML and reports the file of a syntax error', () => {
    expect(readYaml('.github/workflows/ci.yml')).toEqual(expect.objectContaining({ jobs: expect.any(Object) }));
    expect(readYamlDocuments('.github/workflows/ci.yml').length).toBeGreaterThanOrEqual(1);
    mkdirSync(repoPath('tmp'), { recursive: true });
    writeFileSync(repoPath('tmp/ops-spec-broken.yaml'), 'a: [1, 2\n');
    try {
      expect(() => readYamlDocuments('tmp/ops-spec-broken.yaml')).toThrow(/tmp\/ops-spec-broken\.yaml/);
    } finally {
      rmSync(repoPath('tmp/ops-spec-broken.yaml'), { force: true });
    }
  });
});
