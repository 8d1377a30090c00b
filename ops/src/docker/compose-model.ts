import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import Ajv from 'ajv';
import { parseDocument } from 'yaml';
import { readRepoFile } from '../repo-files';

/** The parts of a Compose file the checks read; everything else is left to the JSON schema. */
export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, unknown> | string[] };
  container_name?: string;
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
  env_file?: string | (string | { path: string; required?: boolean })[];
  ports?: (string | number | { target: number | string; published?: number | string; host_ip?: string })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  secrets?: (string | { source: string; target?: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  deploy?: { replicas?: number | string };
  stop_grace_period?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string; environment?: string } | null>;
  [key: string]: unknown;
}

/** Parses a Compose file as Compose does (YAML merge keys `<<` resolved). */
export const readComposeFile = (path: string): ComposeFile => {
  const document = parseDocument(readRepoFile(path), { merge: true });
  if (document.errors.length > 0) throw new Error(`${path}: ${document.errors.map((error) => error.message).join('; ')}`);
  return document.toJS() as ComposeFile;
};

/** The Compose specification's JSON schema, as shipped by dclint (a copy of compose-spec's schema/compose-spec.json). */
const composeSchema = (): Record<string, unknown> => {
  const schema = JSON.parse(readFileSync(join(dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json'), 'utf8')) as Record<string, unknown>;
  // Ajv knows draft-07 by its http:// id; the schema names it with https://.
  delete schema['$schema'];
  return schema;
};

let validator: ReturnType<Ajv['compile']> | undefined;

/** Schema violations of an (interpolated) Compose file, one readable line each. */
export const composeSchemaProblems = (compose: unknown): string[] => {
  validator ??= new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(composeSchema());
  if (validator(compose)) return [];
  return (validator.errors ?? []).map((error) => `schema: ${error.instancePath || '/'} ${error.message ?? 'is invalid'}${error.params && 'additionalProperty' in error.params ? ` (${String(error.params['additionalProperty'])})` : ''}`);
};

/** A service's environment as strings (list or map form; a bare `KEY` passes the shell's value, unknown here). */
export const serviceEnvironment = (service: ComposeService): Record<string, string> => {
  const entries: [string, unknown][] = Array.isArray(service.environment)
    ? service.environment.map((item) => {
        const [key, ...value] = item.split('=');
        return [key, value.length > 0 ? value.join('=') : null];
      })
    : Object.entries(service.environment ?? {});
  return Object.fromEntries(entries.filter(([, value]) => value !== null && value !== undefined).map(([key, value]) => [key, String(value)]));
};

export interface VolumeMount {
  kind: 'bind' | 'volume';
  source: string;
  target: string;
}

export const serviceVolumes = (service: ComposeService): VolumeMount[] =>
  (service.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') return { kind: volume.type === 'bind' ? 'bind' : 'volume', source: volume.source ?? '', target: volume.target };
    const [source, target = source] = volume.split(':');
    return { kind: /^[./~]/.test(source) ? 'bind' : 'volume', source, target };
  });

export interface PortMapping {
  container: number;
  /** Published on the host (a fixed port clashes as soon as the service has two copies). */
  published?: string;
}

export const servicePorts = (service: ComposeService): PortMapping[] =>
  (service.ports ?? []).map((port) => {
    if (typeof port === 'object') return { container: Number(port.target), published: port.published === undefined ? undefined : String(port.published) };
    const parts = String(port).replace(/\/(tcp|udp)$/, '').split(':');
    const container = Number(parts[parts.length - 1]);
    return { container, published: parts.length > 1 ? parts[parts.length - 2] : undefined };
  });

export const serviceSecrets = (service: ComposeService): { source: string; target: string }[] =>
  (service.secrets ?? []).map((secret) => {
    const source = typeof secret === 'string' ? secret : secret.source;
    const target = typeof secret === 'string' ? undefined : secret.target;
    return { source, target: target?.startsWith('/') ? target : `/run/secrets/${target ?? source}` };
  });

export const dependencies = (service: ComposeService): { name: string; condition: string }[] =>
  Array.isArray(service.depends_on)
    ? service.depends_on.map((name) => ({ name, condition: 'service_started' }))
    : Object.entries(service.depends_on ?? {}).map(([name, options]) => ({ name, condition: options?.condition ?? 'service_started' }));

export const healthcheckWords = (service: ComposeService): string[] | undefined => {
  const test = service.healthcheck?.test;
  if (service.healthcheck?.disable || test === undefined) return undefined;
  if (typeof test === 'string') return ['CMD-SHELL', test];
  return test;
};

/** Repository-relative path of a path written in a Compose file (relative to the file's folder). */
export const composeRelative = (composePath: string, path: string): string => posix.normalize(posix.join(posix.dirname(composePath), path));

/** `1m30s`, `15s`, `500ms` in milliseconds (Compose durations). */
export const durationMs = (text: string): number => {
  const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) throw new Error(`not a duration: ${text}`);
  return parts.reduce((total, [, value, unit]) => total + Number(value) * units[unit], 0);
};
