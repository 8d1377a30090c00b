import { readRepoFile, repoFileExists } from './repo-files';

/**
 * Checks of GitHub Actions workflows beyond actionlint: every action pinned to at least a major version,
 * every repository file a step names (Dockerfiles, scripts) present, every `npm run` script defined.
 */

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

interface Job {
  steps?: Step[];
  strategy?: { matrix?: Record<string, unknown> };
}

export interface Workflow {
  on?: unknown;
  jobs?: Record<string, Job>;
}

/** `owner/repo[/path]@v<major>[.<minor>[.<patch>]]` or a full commit SHA; `./local` actions and `docker://` images too. */
const PINNED_ACTION = /^[\w.-]+\/[\w.-]+(?:\/[\w./-]+)?@(?:v\d+(?:\.\d+){0,2}|[0-9a-f]{40})$/;
/** Repository paths as steps write them. */
const REPO_PATH = /(?:^|[\s"'=(])((?:\.ci|\.github|docker|deploy|tools|ops|apps|libs|models)\/[\w./${}\s-]*?[\w}])(?=$|[\s"';),])/g;
const NPM_RUN = /\bnpm run ([\w:.-]+)/g;

/** A string once per combination of the job's matrix values used in it. */
const expandMatrix = (text: string, matrix: Record<string, unknown> | undefined): string[] => {
  let variants = [text];
  for (const [key, values] of Object.entries(matrix ?? {})) {
    if (!Array.isArray(values)) continue;
    const placeholder = new RegExp(`\\$\\{\\{\\s*matrix\\.${key}\\s*\\}\\}`, 'g');
    variants = variants.flatMap((variant) => (placeholder.test(variant) ? values.map((value) => variant.replace(placeholder, String(value))) : [variant]));
  }
  return variants;
};

export const workflowProblems = (name: string, workflow: Workflow, npmScripts: readonly string[]): string[] => {
  const problems: string[] = [];
  for (const [jobName, job] of Object.entries(workflow.jobs ?? {})) {
    (job.steps ?? []).forEach((step, index) => {
      const where = `${name} job ${jobName} step ${index + 1}`;
      if (step.uses && step.uses.startsWith('./')) {
        if (!repoFileExists(step.uses)) problems.push(`${where}: local action ${step.uses} does not exist`);
      } else if (step.uses && !step.uses.startsWith('docker://') && !PINNED_ACTION.test(step.uses)) {
        problems.push(`${where}: ${step.uses} is not pinned to a version (owner/repo@vN or a commit SHA)`);
      }
      const texts = [step.run ?? '', ...Object.values(step.with ?? {}).map(String)];
      for (const text of texts.flatMap((value) => expandMatrix(value, job.strategy?.matrix))) {
        for (const [, path] of text.matchAll(REPO_PATH)) {
          if (path && !path.includes('${') && !repoFileExists(path)) problems.push(`${where}: ${path} does not exist`);
        }
        for (const [, script] of text.matchAll(NPM_RUN)) if (script && !npmScripts.includes(script)) problems.push(`${where}: npm script ${script} is not in package.json`);
      }
    });
  }
  return problems;
};

export const packageScripts = (): string[] => Object.keys((JSON.parse(readRepoFile('package.json')) as { scripts?: Record<string, string> }).scripts ?? {});
