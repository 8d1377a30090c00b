import type { JsonObject } from './json';
import { PersistenceErrorCode, PersistenceException } from './persistence.errors';

/** Letters, digits, `.`, `_`, `-` and `/` (hub-style `owner/model`); never `@`, which starts a version or alias. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;
/** Lowercase and starting with a letter, so `name@2` is always a version and `name@candidate` an alias. */
export const MODEL_ALIAS_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
/** What a bare `name` reference resolves to when set (else the latest version). */
export const PRODUCTION_ALIAS = 'production';
const MAX_VERSION = 2_147_483_647; // Postgres integer

export interface ModelVersion {
  name: string;
  version: number;
  /** Reference of the model it was trained from (e.g. `sentiment-lite@1`), null when trained from scratch. */
  baseModel: string | null;
  sourceDataset: string;
  trainingParameters: JsonObject;
  /** e.g. `{ validation: { macroF1: … }, test: { … } }`. */
  metrics: JsonObject;
  /** Folder or URI of the artifact. */
  uri: string;
  /** Hash of the weights. */
  contentVersion: string;
  createdAt: string;
}

export interface RegisterModelVersion {
  name: string;
  /** Stored when this call creates the model; an existing model's description is left alone. */
  description?: string | null;
  baseModel?: string | null;
  sourceDataset: string;
  trainingParameters: JsonObject;
  metrics: JsonObject;
  uri: string;
  contentVersion: string;
}

export interface ModelDetails {
  name: string;
  description: string | null;
  createdAt: string;
  /** Oldest first. */
  versions: ModelVersion[];
  /** alias → version */
  aliases: Record<string, number>;
}

export interface ModelSummary {
  name: string;
  description: string | null;
  createdAt: string;
  latestVersion: number;
  versionCount: number;
  aliases: Record<string, number>;
  /** When the latest version was registered. */
  updatedAt: string;
}

export interface SetAliasResult {
  /** The version the alias pointed to before, null if it is new. */
  previous: number | null;
  version: number;
}

/** A parsed `name`, `name@<version>` or `name@<alias>`. */
export type ModelReference =
  | { kind: 'default'; name: string }
  | { kind: 'version'; name: string; version: number }
  | { kind: 'alias'; name: string; alias: string };

export const invalidAlias = (alias: string): PersistenceException =>
  new PersistenceException(
    PersistenceErrorCode.InvalidAlias,
    `Alias ${JSON.stringify(alias)} must match ${MODEL_ALIAS_PATTERN.source} (lowercase, starts with a letter)`,
  );

/** Throws INVALID_REFERENCE (bad shape or name) or INVALID_ALIAS (bad alias syntax). */
export function parseModelReference(reference: string): ModelReference {
  const invalid = (why: string): PersistenceException =>
    new PersistenceException(PersistenceErrorCode.InvalidReference, `Model reference ${JSON.stringify(reference)} ${why}`);
  const at = reference.indexOf('@');
  const name = at === -1 ? reference : reference.slice(0, at);
  if (!MODEL_NAME_PATTERN.test(name)) throw invalid(`must start with a model name matching ${MODEL_NAME_PATTERN.source}`);
  if (at === -1) return { kind: 'default', name };
  const suffix = reference.slice(at + 1);
  if (/^\d+$/.test(suffix)) {
    const version = Number(suffix);
    if (version < 1 || version > MAX_VERSION) throw invalid('has a version out of range');
    return { kind: 'version', name, version };
  }
  if (!MODEL_ALIAS_PATTERN.test(suffix)) throw invalidAlias(suffix);
  return { kind: 'alias', name, alias: suffix };
}

export const formatModelReference = (ref: ModelReference): string =>
  ref.kind === 'default' ? ref.name : `${ref.name}@${ref.kind === 'version' ? ref.version : ref.alias}`;

export const isValidVersion = (version: number): boolean => Number.isSafeInteger(version) && version >= 1 && version <= MAX_VERSION;

/** Columns of model_versions as node-postgres returns them. */
export interface ModelVersionRow {
  model: string;
  version: number;
  base_model: string | null;
  source_dataset: string;
  training_parameters: JsonObject;
  metrics: JsonObject;
  uri: string;
  content_version: string;
  created_at: Date;
}

export const VERSION_COLUMNS = 'model, version, base_model, source_dataset, training_parameters, metrics, uri, content_version, created_at';

export const toModelVersion = (row: ModelVersionRow): ModelVersion => ({
  name: row.model,
  version: row.version,
  baseModel: row.base_model,
  sourceDataset: row.source_dataset,
  trainingParameters: row.training_parameters,
  metrics: row.metrics,
  uri: row.uri,
  contentVersion: row.content_version,
  createdAt: row.created_at.toISOString(),
});

export interface ModelSummaryRow {
  name: string;
  description: string | null;
  created_at: Date;
  latest_version: number;
  version_count: number;
  aliases: Record<string, number>;
  updated_at: Date;
}

export const toModelSummary = (row: ModelSummaryRow): ModelSummary => ({
  name: row.name,
  description: row.description,
  createdAt: row.created_at.toISOString(),
  latestVersion: row.latest_version,
  versionCount: row.version_count,
  aliases: row.aliases,
  updatedAt: row.updated_at.toISOString(),
});
