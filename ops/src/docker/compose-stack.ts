import { posix } from 'node:path';
import { readRepoFile, repoFileExists } from '../repo-files';
import { buildContext } from './build-context';
import { interpolate, type InterpolationEnv } from './compose-interpolation';
import {
  composeRelative,
  composeSchemaProblems,
  dependencies,
  durationMs,
  healthcheckWords,
  serviceEnvironment,
  servicePorts,
  serviceSecrets,
  serviceVolumes,
  type ComposeFile,
  type ComposeService,
} from './compose-model';
import { dockerfileProblems, healthcheckOf, isPinnedImage, nxBuildProject, parseDockerfile, type Dockerfile } from './dockerfile';
import { monitoringProblems } from './compose-monitoring';

/** What the checks need to know of one of our apps: its env schema, as the app applies it at boot. */
export interface AppDefinition {
  /** Every variable the app's zod env schema reads. */
  envKeys: readonly string[];
  /** The app's own config loader: throws (naming the variables) on an invalid environment. */
  load: (env: Record<string, string>) => { http: { port: number } };
  /** The schema's parsed values (defaults applied), for settings such as SHUTDOWN_GRACE_MS. */
  parse: (env: Record<string, string>) => Record<string, unknown>;
  /** GET routes a health check or scrape may target, read from the app's controllers (Nest route metadata). */
  getRoutes: ReadonlySet<string>;
}

export interface StackCheckOptions {
  /** Repository-relative path of the Compose file. */
  composePath: string;
  /** Our apps by Nx project name (the project a Dockerfile builds with `nx build <project>`). */
  apps: Readonly<Record<string, AppDefinition>>;
  /** The environment Compose interpolates with (docker/.env). */
  env: InterpolationEnv;
  /** Whether a node base image's version is one the workspace supports (package.json engines). */
  acceptsNodeVersion: (version: string) => boolean;
}

/** A service built from one of our Dockerfiles, with the app it runs. */
export interface AppService {
  service: string;
  project: string;
  app: AppDefinition;
  env: Record<string, string>;
  /** The app's config for `env`, loaded once: its port, or why it would refuse to boot. */
  loaded: LoadedConfig;
  dockerfile: Dockerfile;
  dockerfilePath: string;
}

export type LoadedConfig = { port: number } | { error: string };

const HEALTHCHECK_SCRIPT = 'healthcheck.js';
const CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'];

/** The app's config for a service environment, or the validation message when the app would refuse to boot. */
export const loadAppConfig = (app: AppDefinition, env: Record<string, string>): LoadedConfig => {
  try {
    return { port: app.load(env).http.port };
  } catch (error) {
    return { error: (error as Error).message };
  }
};

/**
 * `node healthcheck.js <port variable> <default port> <path>`: the probe must hit the port the app listens on
 * (read from the same variable) and a GET route the app declares.
 */
const probeProblems = (where: string, words: string[], target: Pick<AppService, 'project' | 'app' | 'env' | 'loaded'>): string[] => {
  const [variable, defaultPort, path] = words;
  if (words.length !== 3) return [`${where}: health check must be \`node ${HEALTHCHECK_SCRIPT} <port variable> <default port> <path>\`, got ${words.join(' ')}`];
  const problems: string[] = [];
  if (!target.app.envKeys.includes(variable)) problems.push(`${where}: health check reads ${variable}, which ${target.project} does not read`);
  const probed = Number(target.env[variable] ?? defaultPort);
  if ('port' in target.loaded && probed !== target.loaded.port) problems.push(`${where}: health check probes port ${probed}, ${target.project} listens on ${target.loaded.port}`);
  if (!target.app.getRoutes.has(path)) problems.push(`${where}: health check path ${path} is not a GET route of ${target.project}`);
  return problems;
};

/** Every Dockerfile rule plus the ties between an image and its app (probe port and path, EXPOSE). */
export const appImageProblems = (dockerfilePath: string, dockerfile: Dockerfile, contextDir: string, acceptsNodeVersion: StackCheckOptions['acceptsNodeVersion'], apps: StackCheckOptions['apps']): string[] => {
  const contextHas = buildContext(contextDir);
  const problems = dockerfileProblems(dockerfile, {
    acceptsNodeVersion,
    contextHas,
    healthcheckScript: HEALTHCHECK_SCRIPT,
    projectExists: (project) => repoFileExists(`apps/${project}/project.json`),
  }).map((problem) => `${dockerfilePath}: ${problem}`);
  const project = dockerfile.stages.map(nxBuildProject).find(Boolean);
  const app = project ? apps[project] : undefined;
  if (!project || !app) return [...problems, `${dockerfilePath}: builds no app the checks know (${project ?? 'no nx build'})`];
  const final = dockerfile.stages[dockerfile.stages.length - 1];
  const defaults = loadAppConfig(app, {});
  const healthcheck = healthcheckOf(final);
  if (healthcheck?.words[1] === HEALTHCHECK_SCRIPT) {
    problems.push(...probeProblems(`${dockerfilePath} line ${healthcheck.line}`, healthcheck.words.slice(2), { project, app, env: {}, loaded: defaults }));
  }
  for (const expose of final.instructions.filter((instruction) => instruction.keyword === 'EXPOSE')) {
    const ports = expose.args.split(/\s+/).map((port) => Number(port.split('/')[0]));
    if ('port' in defaults && !ports.includes(defaults.port)) problems.push(`${dockerfilePath} line ${expose.line}: EXPOSE ${expose.args}, ${project} listens on ${defaults.port}`);
  }
  return problems;
};

const buildOf = (service: ComposeService): { context: string; dockerfile: string } | undefined => {
  if (service.build === undefined) return undefined;
  if (typeof service.build === 'string') return { context: service.build, dockerfile: 'Dockerfile' };
  return { context: service.build.context ?? '.', dockerfile: service.build.dockerfile ?? 'Dockerfile' };
};

/** Services built from our Dockerfiles, resolved to their apps (problems for unreadable builds). */
const appServices = (compose: ComposeFile, options: StackCheckOptions, problems: string[]): AppService[] => {
  const found: AppService[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    const build = buildOf(service);
    if (!build) continue;
    const contextDir = composeRelative(options.composePath, build.context);
    const dockerfilePath = posix.normalize(posix.join(contextDir, build.dockerfile));
    if (!repoFileExists(contextDir)) problems.push(`${name}: build context ${build.context} does not exist`);
    if (!repoFileExists(dockerfilePath)) {
      problems.push(`${name}: Dockerfile ${dockerfilePath} does not exist`);
      continue;
    }
    const dockerfile = parseDockerfile(readRepoFile(dockerfilePath));
    problems.push(...appImageProblems(dockerfilePath, dockerfile, contextDir, options.acceptsNodeVersion, options.apps));
    // A build argument the Dockerfile never declares is silently ignored by the builder.
    const declared = new Set([...Object.keys(dockerfile.globalArgs), ...dockerfile.stages.flatMap((stage) => stage.instructions.filter((instruction) => instruction.keyword === 'ARG').map((instruction) => instruction.args.split('=')[0]))]);
    const args = typeof service.build === 'object' ? service.build.args : undefined;
    const argNames = Array.isArray(args) ? args.map((arg) => arg.split('=')[0]) : Object.keys(args ?? {});
    for (const arg of argNames) if (!declared.has(arg)) problems.push(`${name}: build argument ${arg} is not an ARG of ${dockerfilePath}`);
    const project = dockerfile.stages.map(nxBuildProject).find(Boolean);
    const app = project ? options.apps[project] : undefined;
    if (!project || !app) continue;
    const env = serviceEnvironment(service);
    found.push({ service: name, project, app, env, loaded: loadAppConfig(app, env), dockerfile, dockerfilePath });
  }
  return found;
};

const appServiceProblems = (target: AppService, service: ComposeService): string[] => {
  const problems: string[] = [];
  const where = target.service;
  for (const key of Object.keys(target.env)) {
    if (!target.app.envKeys.includes(key)) problems.push(`${where}: environment ${key} is not read by ${target.project} (apps/${target.project}/src/config)`);
  }
  const { loaded } = target;
  if ('error' in loaded) return [...problems, `${where}: ${target.project} would refuse to boot with this environment: ${loaded.error}`];
  const words = healthcheckWords(service);
  if (words) {
    if (words[0] !== 'CMD' || words[1] !== 'node' || words[2] !== HEALTHCHECK_SCRIPT) problems.push(`${where}: health check must be ["CMD", "node", "${HEALTHCHECK_SCRIPT}", ...] (the image has no curl)`);
    else problems.push(...probeProblems(where, words.slice(3), target));
  }
  for (const port of servicePorts(service)) {
    if (port.container !== loaded.port) problems.push(`${where}: publishes container port ${port.container}, ${target.project} listens on ${loaded.port}`);
  }
  const grace = target.app.parse(target.env)['SHUTDOWN_GRACE_MS'];
  if (typeof grace === 'number') {
    const stop = durationMs(service.stop_grace_period ?? '10s');
    if (stop <= grace) problems.push(`${where}: stop_grace_period ${service.stop_grace_period ?? '10s (default)'} does not exceed SHUTDOWN_GRACE_MS ${grace}: in-flight work is killed`);
  }
  return problems;
};

/** Named volumes, bind sources, env files and secrets: every reference resolves. */
const referenceProblems = (compose: ComposeFile, composePath: string, env: InterpolationEnv): string[] => {
  const problems: string[] = [];
  const declaredVolumes = Object.keys(compose.volumes ?? {});
  const usedVolumes = new Set<string>();
  for (const [name, service] of Object.entries(compose.services)) {
    for (const volume of serviceVolumes(service)) {
      if (volume.kind === 'volume') {
        usedVolumes.add(volume.source);
        if (!declaredVolumes.includes(volume.source)) problems.push(`${name}: volume ${volume.source} is not declared under volumes:`);
      } else if (!repoFileExists(composeRelative(composePath, volume.source))) {
        problems.push(`${name}: bind mount source ${volume.source} does not exist`);
      }
    }
    const envFiles = service.env_file === undefined ? [] : Array.isArray(service.env_file) ? service.env_file : [service.env_file];
    for (const file of envFiles) {
      const path = typeof file === 'string' ? file : file.path;
      const required = typeof file === 'string' || file.required !== false;
      if (required && !repoFileExists(composeRelative(composePath, path))) problems.push(`${name}: env_file ${path} does not exist`);
    }
    for (const secret of serviceSecrets(service)) {
      if (!compose.secrets?.[secret.source]) problems.push(`${name}: secret ${secret.source} is not declared under secrets:`);
    }
    for (const dependency of dependencies(service)) {
      if (!compose.services[dependency.name]) problems.push(`${name}: depends_on ${dependency.name}, which is not a service`);
      if (!CONDITIONS.includes(dependency.condition)) problems.push(`${name}: depends_on ${dependency.name} with unknown condition ${dependency.condition}`);
    }
    if (service.image !== undefined && !isPinnedImage(service.image)) problems.push(`${name}: image ${service.image} is not pinned to a release or digest`);
    // Copies of one service (deploy.replicas, --scale) would clash on a fixed name or host port.
    const replicas = Number(service.deploy?.replicas ?? 1);
    if (replicas > 1 && (service.container_name !== undefined || servicePorts(service).some((port) => port.published !== undefined))) {
      problems.push(`${name}: runs ${replicas} replicas, so it must have no container_name and no fixed host port`);
    }
  }
  for (const volume of declaredVolumes) if (!usedVolumes.has(volume)) problems.push(`volume ${volume} is declared but no service mounts it`);
  for (const [name, secret] of Object.entries(compose.secrets ?? {})) {
    if (secret?.file !== undefined && !repoFileExists(composeRelative(composePath, secret.file))) problems.push(`secret ${name}: file ${secret.file} does not exist`);
    if (secret?.environment !== undefined && !env[secret.environment]) problems.push(`secret ${name}: variable ${secret.environment} is not set`);
  }
  return problems;
};

/** A service waited for with service_healthy needs a health check (its own, or its image's). */
const healthProblems = (compose: ComposeFile, images: Map<string, Dockerfile>): string[] => {
  const problems: string[] = [];
  const hasHealthcheck = (name: string): boolean => {
    const service = compose.services[name];
    if (!service || service.healthcheck?.disable) return false;
    const image = images.get(name);
    return healthcheckWords(service) !== undefined || (image !== undefined && healthcheckOf(image.stages[image.stages.length - 1]) !== undefined);
  };
  for (const [name, service] of Object.entries(compose.services)) {
    if (!hasHealthcheck(name)) problems.push(`${name}: no health check`);
    for (const dependency of dependencies(service)) {
      if (dependency.condition === 'service_healthy' && compose.services[dependency.name] && !hasHealthcheck(dependency.name)) {
        problems.push(`${name}: waits for ${dependency.name} to be healthy, but it has no health check`);
      }
    }
  }
  return problems;
};

/**
 * Every problem of a Compose stack, checked statically (no Docker engine): the file is interpolated with
 * `env` as Compose would, validated against the Compose specification, and every reference followed.
 */
export const composeStackProblems = (raw: ComposeFile, options: StackCheckOptions): string[] => {
  const interpolated = interpolate(raw, options.env);
  const problems = interpolated.missing.map(({ variable, message }) => `required variable ${variable} is not set (${message})`);
  problems.push(...[...interpolated.unset].map((variable) => `variable ${variable} is used without a default and is not set`));
  const compose = interpolated.value;
  problems.push(...composeSchemaProblems(compose));
  if (!compose.services || typeof compose.services !== 'object') return [...problems, 'no services'];
  const apps = appServices(compose, options, problems);
  for (const target of apps) problems.push(...appServiceProblems(target, compose.services[target.service]));
  problems.push(...referenceProblems(compose, options.composePath, options.env));
  problems.push(...healthProblems(compose, new Map(apps.map((target) => [target.service, target.dockerfile]))));
  problems.push(...monitoringProblems(compose, options.composePath, apps, options.env));
  return problems;
};
