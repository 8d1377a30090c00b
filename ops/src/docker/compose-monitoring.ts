import { posix } from 'node:path';
import { listRepoFiles, readYaml, readYamlDocuments, repoFileExists } from '../repo-files';
import { composeRelative, serviceEnvironment, serviceSecrets, serviceVolumes, type ComposeFile, type ComposeService } from './compose-model';
import type { AppService } from './compose-stack';

/** Where a container path comes from on the host (repository-relative), through a bind mount. */
const hostPath = (service: ComposeService, composePath: string, containerPath: string): string | undefined => {
  for (const mount of serviceVolumes(service).filter((volume) => volume.kind === 'bind')) {
    const relative = posix.relative(mount.target, containerPath);
    if (relative === '' || (!relative.startsWith('..') && !posix.isAbsolute(relative))) return posix.join(composeRelative(composePath, mount.source), relative);
  }
  return undefined;
};

/** Whether a file the container reads (a token, a URL) is provided by a secret or a bind mount. */
const providesFile = (service: ComposeService, composePath: string, containerPath: string): boolean =>
  serviceSecrets(service).some((secret) => secret.target === containerPath) || hostPath(service, composePath, containerPath) !== undefined;

const commandFlag = (service: ComposeService, flag: string, fallback: string): string => {
  const words = Array.isArray(service.command) ? service.command : (service.command ?? '').split(/\s+/);
  const found = words.find((word) => word.startsWith(`--${flag}=`));
  return found ? found.slice(flag.length + 3) : fallback;
};

const servicesByImage = (compose: ComposeFile, imagePrefix: string): [string, ComposeService][] =>
  Object.entries(compose.services).filter(([, service]) => service.image?.startsWith(imagePrefix));

/** Every value under a key ending in `_file` (credentials_file, url_file, ...), at any depth. */
const fileReferences = (value: unknown, found: string[] = []): string[] => {
  if (Array.isArray(value)) value.forEach((item) => fileReferences(item, found));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.endsWith('_file') && typeof item === 'string') found.push(item);
      else fileReferences(item, found);
    }
  }
  return found;
};

const matchesGlob = (pattern: string, path: string): boolean => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`).test(path);

interface ScrapeJob {
  job_name: string;
  metrics_path?: string;
  authorization?: { credentials_file?: string };
  bearer_token_file?: string;
  dns_sd_configs?: { names?: string[]; type?: string; port?: number }[];
  static_configs?: { targets?: string[] }[];
}

interface PrometheusConfig {
  rule_files?: string[];
  scrape_configs?: ScrapeJob[];
  alerting?: { alertmanagers?: { static_configs?: { targets?: string[] }[] }[] };
}

const scrapeTargets = (job: ScrapeJob): { host: string; port: number }[] => [
  ...(job.dns_sd_configs ?? []).flatMap((config) => (config.names ?? []).map((host) => ({ host, port: Number(config.port) }))),
  ...(job.static_configs ?? []).flatMap((config) => (config.targets ?? []).map((target) => ({ host: target.split(':')[0], port: Number(target.split(':')[1]) }))),
];

const prometheusProblems = (compose: ComposeFile, composePath: string, apps: AppService[], env: Readonly<Record<string, string | undefined>>): string[] => {
  const problems: string[] = [];
  for (const [name, service] of servicesByImage(compose, 'prom/prometheus')) {
    const configPath = commandFlag(service, 'config.file', '/etc/prometheus/prometheus.yml');
    const configFile = hostPath(service, composePath, configPath);
    if (!configFile || !repoFileExists(configFile)) {
      problems.push(`${name}: ${configPath} is not mounted from a file of the repository`);
      continue;
    }
    const config = readYaml(configFile) as PrometheusConfig;
    for (const pattern of config.rule_files ?? []) {
      const containerPattern = posix.join(posix.dirname(configPath), pattern);
      const hostPattern = hostPath(service, composePath, posix.dirname(containerPattern));
      const matched = hostPattern ? listRepoFiles(hostPattern).filter((file) => matchesGlob(posix.basename(containerPattern), posix.basename(file)) && posix.dirname(file) === hostPattern) : [];
      if (matched.length === 0) problems.push(`${name}: rule_files ${pattern} matches no mounted file`);
    }
    for (const target of (config.alerting?.alertmanagers ?? []).flatMap((manager) => (manager.static_configs ?? []).flatMap((static_) => static_.targets ?? []))) {
      if (!compose.services[target.split(':')[0]]) problems.push(`${name}: alertmanager target ${target} is not a service`);
    }
    for (const job of config.scrape_configs ?? []) {
      const credentials = job.authorization?.credentials_file ?? job.bearer_token_file;
      if (credentials && !providesFile(service, composePath, credentials)) problems.push(`${name}: job ${job.job_name} reads ${credentials}, which no secret or mount provides`);
      for (const target of scrapeTargets(job)) {
        if (['localhost', '127.0.0.1'].includes(target.host)) continue;
        const targetService = compose.services[target.host];
        if (!targetService) {
          problems.push(`${name}: job ${job.job_name} scrapes ${target.host}, which is not a service`);
          continue;
        }
        const app = apps.find((candidate) => candidate.service === target.host);
        if (!app) continue;
        // An invalid environment is reported with the service itself.
        if ('port' in app.loaded && target.port !== app.loaded.port) problems.push(`${name}: job ${job.job_name} scrapes ${target.host}:${target.port}, ${app.project} listens on ${app.loaded.port}`);
        const path = job.metrics_path ?? '/metrics';
        if (!app.app.getRoutes.has(path)) problems.push(`${name}: job ${job.job_name} scrapes ${path}, not a GET route of ${app.project}`);
        const token = app.env['METRICS_TOKEN'];
        if (token && !credentials) problems.push(`${name}: job ${job.job_name} sends no token, but ${target.host} requires METRICS_TOKEN`);
        const secret = serviceSecrets(service).find((candidate) => candidate.target === credentials);
        const secretVariable = secret ? compose.secrets?.[secret.source]?.environment : undefined;
        if (token && secretVariable && env[secretVariable] !== token) problems.push(`${name}: job ${job.job_name} sends ${secretVariable}, ${target.host}'s METRICS_TOKEN is a different value`);
      }
    }
  }
  return problems;
};

/** Alertmanager and Grafana read what they are given: files their configs name, provisioning paths, env references. */
const toolProblems = (compose: ComposeFile, composePath: string): string[] => {
  const problems: string[] = [];
  for (const [name, service] of servicesByImage(compose, 'prom/alertmanager')) {
    const configPath = commandFlag(service, 'config.file', '/etc/alertmanager/alertmanager.yml');
    const configFile = hostPath(service, composePath, configPath);
    if (!configFile || !repoFileExists(configFile)) {
      problems.push(`${name}: ${configPath} is not mounted from a file of the repository`);
      continue;
    }
    for (const file of fileReferences(readYaml(configFile))) {
      if (!providesFile(service, composePath, file)) problems.push(`${name}: the config reads ${file}, which no secret or mount provides`);
    }
  }
  for (const [name, service] of servicesByImage(compose, 'grafana/grafana')) {
    const env = serviceEnvironment(service);
    const provisioning = hostPath(service, composePath, env['GF_PATHS_PROVISIONING'] ?? '/etc/grafana/provisioning');
    if (!provisioning || !repoFileExists(provisioning)) {
      problems.push(`${name}: the provisioning folder is not mounted from the repository`);
      continue;
    }
    for (const file of listRepoFiles(provisioning).filter((path) => /\.ya?ml$/.test(path))) {
      for (const document of readYamlDocuments(file)) {
        // Grafana expands $VAR and ${VAR} in provisioning files from its own environment.
        for (const match of JSON.stringify(document).matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g)) {
          if (!match[1].startsWith('__') && env[match[1]] === undefined) problems.push(`${name}: ${file} uses $${match[1]}, which is not in its environment`);
        }
        const providers = (document as { providers?: { options?: { path?: string } }[] } | null)?.providers ?? [];
        for (const path of providers.map((provider) => provider.options?.path).filter((path): path is string => path !== undefined)) {
          const dashboards = hostPath(service, composePath, path);
          if (!dashboards || listRepoFiles(dashboards, '.json').length === 0) problems.push(`${name}: ${file} loads dashboards from ${path}, where no dashboard JSON is mounted`);
        }
        const datasources = (document as { datasources?: { name?: string; url?: string }[] } | null)?.datasources ?? [];
        for (const datasource of datasources) {
          const host = datasource.url ? /^(?:\w+:\/\/)?([^:/]+)/.exec(datasource.url)?.[1] : undefined;
          if (host && !compose.services[host]) problems.push(`${name}: datasource ${datasource.name ?? datasource.url} points at ${host}, which is not a service`);
        }
      }
    }
  }
  return problems;
};

/** Prometheus finds every app replica on the port it listens on; Alertmanager and Grafana get their files. */
export const monitoringProblems = (compose: ComposeFile, composePath: string, apps: AppService[], env: Readonly<Record<string, string | undefined>> = {}): string[] => [
  ...prometheusProblems(compose, composePath, apps, env),
  ...toolProblems(compose, composePath),
];
