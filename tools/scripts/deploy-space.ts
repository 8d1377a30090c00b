// npm run deploy:space -- --space <owner/name> --image-owner <ghcr owner> [--tag main] [--dry-run] [--hub-url URL]
// Creates the Hugging Face Space (Docker SDK) if it does not exist, then uploads its Dockerfile, start
// script and README (deploy/space/, with the image references filled in) in one commit. The token comes
// from HF_TOKEN only; --dry-run prints the plan (target, files, sizes) and touches no network.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRepo, repoExists, uploadFiles } from '@huggingface/hub';
import { parseOptions, UsageError } from './cli-options';

const SPACE_SOURCE_DIR = resolve(__dirname, '../../deploy/space');
/** Uploaded in this order; the README's front matter tells the hub it is a Docker Space on port 7860. */
export const SPACE_FILES = ['Dockerfile', 'start.sh', 'README.md'] as const;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;
const IMAGE_OWNER_PATTERN = /^[a-z0-9][a-z0-9-]{0,38}$/;
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export interface SpaceTarget {
  /** `owner/name` of the Space. */
  space: string;
  /** GHCR owner of the images (`ghcr.io/<owner>/sentiment-ops-<app>`), lower case. */
  imageOwner: string;
  /** Image tag, e.g. `main` or `1.2.0`. */
  tag: string;
}

export interface SpaceFile {
  path: string;
  content: string;
}

export const imageReference = (target: SpaceTarget, app: 'gateway' | 'inference'): string => `ghcr.io/${target.imageOwner}/sentiment-ops-${app}:${target.tag}`;

/** Where the hub serves a Space: `<owner>-<name>.hf.space`, lower case, other characters as dashes. */
export const spaceHost = (space: string): string => `${space.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.hf.space`;

/** The Space's files with the image references and host filled in (no placeholder may remain). */
export const renderSpaceFiles = (target: SpaceTarget, sourceDir = SPACE_SOURCE_DIR): SpaceFile[] =>
  SPACE_FILES.map((path) => {
    const content = readFileSync(join(sourceDir, path), 'utf8')
      .replaceAll('__GATEWAY_IMAGE__', imageReference(target, 'gateway'))
      .replaceAll('__INFERENCE_IMAGE__', imageReference(target, 'inference'))
      .replaceAll('__SPACE_HOST__', spaceHost(target.space));
    const left = /__[A-Z_]+__/.exec(content);
    if (left) throw new Error(`deploy/space/${path}: unknown placeholder ${left[0]}`);
    return { path, content };
  });

export const formatPlan = (target: SpaceTarget, files: readonly SpaceFile[], hubUrl: string): string =>
  [
    `target: ${hubUrl}/spaces/${target.space} (Docker SDK, created if missing)`,
    `images: ${imageReference(target, 'gateway')}, ${imageReference(target, 'inference')}`,
    'files:',
    ...files.map((file) => `  ${file.path.padEnd(12)} ${String(Buffer.byteLength(file.content)).padStart(6)} bytes`),
  ].join('\n');

export interface DeployOutcome {
  created: boolean;
  commitUrl?: string;
}

/** Creates the Space when missing, then commits every file at once (a Space rebuilds on each commit). */
export const deploySpace = async (target: SpaceTarget, files: readonly SpaceFile[], options: { accessToken: string; hubUrl: string; fetch?: typeof fetch }): Promise<DeployOutcome> => {
  const repo = { type: 'space' as const, name: target.space };
  const common = { accessToken: options.accessToken, hubUrl: options.hubUrl, ...(options.fetch ? { fetch: options.fetch } : {}) };
  const exists = await repoExists({ repo, ...common });
  if (!exists) await createRepo({ repo, sdk: 'docker', license: 'apache-2.0', ...common });
  const commit = await uploadFiles({
    repo,
    ...common,
    files: files.map((file) => ({ path: file.path, content: new Blob([file.content]) })),
    commitTitle: `Deploy sentiment-ops ${target.tag}`,
    // Text files: regular uploads through the commit API, never LFS or Xet storage.
    useXet: false,
  });
  return { created: !exists, commitUrl: commit?.commit.url };
};

export interface DeployCommand {
  target: SpaceTarget;
  dryRun: boolean;
  hubUrl: string;
}

export const parseDeployArgs = (argv: readonly string[], env: NodeJS.ProcessEnv): DeployCommand => {
  const dryRun = argv.includes('--dry-run');
  const { values } = parseOptions(
    argv.filter((arg) => arg !== '--dry-run'),
    ['space', 'image-owner', 'tag', 'hub-url'],
  );
  const space = values['space'] ?? env['HF_SPACE'] ?? '';
  const imageOwner = (values['image-owner'] ?? env['GITHUB_REPOSITORY_OWNER'] ?? '').toLowerCase();
  const tag = values['tag'] ?? 'main';
  if (!NAME_PATTERN.test(space)) throw new UsageError('--space (or HF_SPACE) must be <owner>/<name>');
  if (!IMAGE_OWNER_PATTERN.test(imageOwner)) throw new UsageError('--image-owner (or GITHUB_REPOSITORY_OWNER) must be a GitHub owner name');
  if (!TAG_PATTERN.test(tag)) throw new UsageError('--tag must be a Docker image tag');
  return { target: { space, imageOwner, tag }, dryRun, hubUrl: (values['hub-url'] ?? 'https://huggingface.co').replace(/\/+$/, '') };
};

/** The CLI; returns the exit code. The token is read from HF_TOKEN and never printed. */
export const runDeploySpace = async (argv: readonly string[], env: NodeJS.ProcessEnv, print: (line: string) => void = console.log): Promise<number> => {
  let command: DeployCommand;
  try {
    command = parseDeployArgs(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    print(`deploy-space: ${error.message}\nusage: npm run deploy:space -- --space <owner/name> --image-owner <owner> [--tag main] [--dry-run] [--hub-url URL]`);
    return 2;
  }
  const files = renderSpaceFiles(command.target);
  print(formatPlan(command.target, files, command.hubUrl));
  if (command.dryRun) {
    print('dry run: nothing uploaded');
    return 0;
  }
  const accessToken = env['HF_TOKEN'];
  if (!accessToken) {
    print('deploy-space: HF_TOKEN is not set (a token with write access to the Space)');
    return 1;
  }
  const outcome = await deploySpace(command.target, files, { accessToken, hubUrl: command.hubUrl });
  print(`${outcome.created ? 'created the Space and ' : ''}committed ${files.length} files${outcome.commitUrl ? `: ${outcome.commitUrl}` : ''}`);
  return 0;
};

if (require.main === module) {
  runDeploySpace(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`deploy-space: ${error.message}`);
      process.exit(1);
    },
  );
}
