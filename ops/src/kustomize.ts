import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { repoPath, repoRoot } from './repo-files';

/**
 * The small subset of kustomize that deploy/ uses, so the overlays can be rendered and checked where no
 * kustomize or kubectl binary exists (CI, this project's machines). Anything outside the subset throws,
 * so an overlay cannot silently use a feature this renderer would ignore. Subset: `resources` (files
 * or folders with a kustomization.yaml), `namespace`, `labels` (without selectors), `images`, and
 * `patches` given inline as JSON 6902 operations on one target (kind + name).
 */

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

const SUPPORTED_KEYS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'patches']);

/** Kinds without a namespace (kustomize's namespace transformer leaves them alone). */
const CLUSTER_SCOPED_KINDS = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PriorityClass', 'StorageClass', 'PersistentVolume']);

/** Workloads whose pod template gets labels (`includeTemplates`) and image rewrites. */
const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

interface LabelsEntry {
  pairs: Record<string, string>;
  includeSelectors?: boolean;
  includeTemplates?: boolean;
}

interface ImageEntry {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

interface PatchEntry {
  target: { kind: string; name: string };
  patch: string;
}

interface JsonPatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const fail = (where: string, message: string): never => {
  throw new Error(`kustomize ${where}: ${message}`);
};

/** RFC 6901: `~1` is `/`, `~0` is `~`. */
const pointerSegments = (path: string): string[] => {
  if (!path.startsWith('/')) throw new Error(`JSON pointer must start with "/": ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
};

/** RFC 6902 add / replace / remove; a missing parent, or a replace/remove of a missing member, throws. */
export const applyJsonPatch = (document: unknown, operations: readonly JsonPatchOperation[]): void => {
  for (const operation of operations) {
    if (!['add', 'replace', 'remove'].includes(operation.op)) throw new Error(`unsupported JSON patch op "${operation.op}"`);
    const segments = pointerSegments(operation.path);
    const last = segments.pop() as string;
    let parent: unknown = document;
    for (const segment of segments) {
      parent = Array.isArray(parent) ? parent[Number(segment)] : isRecord(parent) ? parent[segment] : undefined;
      if (parent === undefined) throw new Error(`${operation.op} ${operation.path}: no such parent`);
    }
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length || (operation.op !== 'add' && index >= parent.length)) {
        throw new Error(`${operation.op} ${operation.path}: index out of range`);
      }
      if (operation.op === 'add') parent.splice(index, 0, structuredClone(operation.value));
      else if (operation.op === 'replace') parent[index] = structuredClone(operation.value);
      else parent.splice(index, 1);
    } else if (isRecord(parent)) {
      if (operation.op !== 'add' && !(last in parent)) throw new Error(`${operation.op} ${operation.path}: no such member`);
      if (operation.op === 'remove') delete parent[last];
      else parent[last] = structuredClone(operation.value);
    } else {
      throw new Error(`${operation.op} ${operation.path}: parent is not an object or array`);
    }
  }
};

const podSpecOf = (object: KubeObject): Record<string, unknown> | undefined => {
  if (!POD_TEMPLATE_KINDS.has(object.kind)) return undefined;
  const template = (object['spec'] as Record<string, unknown> | undefined)?.['template'];
  return isRecord(template) && isRecord(template['spec']) ? template['spec'] : undefined;
};

const splitImage = (image: string): { name: string; tag?: string; digest?: string } => {
  const [withoutDigest = '', digest] = image.split('@');
  const colon = withoutDigest.lastIndexOf(':');
  // A colon before the last slash belongs to a registry port, not to a tag.
  if (colon > withoutDigest.lastIndexOf('/')) return { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest };
  return { name: withoutDigest, digest };
};

const applyImages = (objects: KubeObject[], images: readonly ImageEntry[]): void => {
  for (const object of objects) {
    const podSpec = podSpecOf(object);
    if (!podSpec) continue;
    for (const listName of ['initContainers', 'containers']) {
      const containers = podSpec[listName];
      if (!Array.isArray(containers)) continue;
      for (const container of containers as Array<Record<string, unknown>>) {
        const current = splitImage(String(container['image'] ?? ''));
        const entry = images.find((image) => image.name === current.name);
        if (!entry) continue;
        const name = entry.newName ?? current.name;
        if (entry.digest) container['image'] = `${name}@${entry.digest}`;
        else if (entry.newTag) container['image'] = `${name}:${entry.newTag}`;
        else container['image'] = `${name}${current.tag ? `:${current.tag}` : ''}${current.digest ? `@${current.digest}` : ''}`;
      }
    }
  }
};

const applyLabels = (objects: KubeObject[], entries: readonly LabelsEntry[], where: string): void => {
  for (const entry of entries) {
    if (entry.includeSelectors) fail(where, 'labels with includeSelectors are outside the supported subset');
    for (const object of objects) {
      object.metadata.labels = { ...object.metadata.labels, ...entry.pairs };
      if (!entry.includeTemplates || !POD_TEMPLATE_KINDS.has(object.kind)) continue;
      const template = (object['spec'] as Record<string, unknown>)['template'] as Record<string, unknown>;
      const metadata = (template['metadata'] ??= {}) as Record<string, unknown>;
      metadata['labels'] = { ...(metadata['labels'] as Record<string, string> | undefined), ...entry.pairs };
    }
  }
};

const applyPatches = (objects: KubeObject[], patches: readonly PatchEntry[], where: string): void => {
  for (const { target, patch } of patches) {
    if (!isRecord(target) || typeof patch !== 'string') fail(where, 'patches need an inline `patch` (JSON 6902) and a `target` with kind and name');
    const unsupported = Object.keys(target).filter((key) => key !== 'kind' && key !== 'name');
    if (unsupported.length > 0) fail(where, `patch target fields outside the subset: ${unsupported.join(', ')}`);
    const matches = objects.filter((object) => object.kind === target.kind && object.metadata.name === target.name);
    if (matches.length !== 1) fail(where, `patch target ${target.kind}/${target.name} matches ${matches.length} objects`);
    const operations = parse(patch) as unknown;
    if (!Array.isArray(operations)) fail(where, `patch of ${target.kind}/${target.name} is not a JSON 6902 list (strategic merge is outside the subset)`);
    try {
      applyJsonPatch(matches[0], operations as JsonPatchOperation[]);
    } catch (error) {
      fail(where, `patch of ${target.kind}/${target.name}: ${(error as Error).message}`);
    }
  }
};

const readObjects = (file: string): KubeObject[] =>
  parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => {
      if (document.errors.length > 0) fail(relative(repoRoot, file), document.errors.map((error) => error.message).join('; '));
      return document.toJS() as unknown;
    })
    .filter((object): object is KubeObject => object !== null && object !== undefined)
    .map((object) => {
      if (!isRecord(object) || typeof object['kind'] !== 'string' || !isRecord(object['metadata']) || typeof object['metadata']['name'] !== 'string') {
        fail(relative(repoRoot, file), 'every document needs kind and metadata.name');
      }
      return object;
    });

/** Renders the kustomization in `folder` (repository-relative), like `kustomize build` for the subset. */
export const renderKustomization = (folder: string): KubeObject[] => {
  const directory = repoPath(folder);
  const file = join(directory, 'kustomization.yaml');
  if (!existsSync(file)) fail(folder, 'no kustomization.yaml');
  const kustomization = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const where = relative(repoRoot, file);
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED_KEYS.has(key));
  if (unsupported.length > 0) fail(where, `fields outside the supported subset: ${unsupported.join(', ')}`);

  const objects: KubeObject[] = [];
  for (const resource of (kustomization['resources'] as string[] | undefined) ?? []) {
    const path = join(directory, resource);
    if (!existsSync(path)) fail(where, `resource ${resource} does not exist`);
    if (statSync(path).isDirectory()) objects.push(...renderKustomization(relative(repoRoot, path)));
    else objects.push(...readObjects(path));
  }
  const seen = new Set<string>();
  for (const object of objects) {
    const id = `${object.kind}/${object.metadata.name}`;
    if (seen.has(id)) fail(where, `${id} is defined twice`);
    seen.add(id);
  }

  applyPatches(objects, (kustomization['patches'] as PatchEntry[] | undefined) ?? [], where);
  const namespace = kustomization['namespace'];
  if (typeof namespace === 'string') {
    for (const object of objects) if (!CLUSTER_SCOPED_KINDS.has(object.kind)) object.metadata.namespace = namespace;
  }
  applyLabels(objects, (kustomization['labels'] as LabelsEntry[] | undefined) ?? [], where);
  applyImages(objects, (kustomization['images'] as ImageEntry[] | undefined) ?? []);
  return objects;
};

/** `deploy/overlays/<name>` for every overlay folder, so a new overlay is checked without editing the tests. */
export const overlayFolders = (root = 'deploy/overlays'): string[] => {
  const base = repoPath(root);
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(base, entry.name, 'kustomization.yaml')))
    .map((entry) => `${root}/${entry.name}`)
    .sort();
};
