import type { Pool, PoolClient } from 'pg';
import { toJsonObject } from './json';
import {
  MODEL_ALIAS_PATTERN,
  MODEL_NAME_PATTERN,
  PRODUCTION_ALIAS,
  VERSION_COLUMNS,
  invalidAlias,
  isValidVersion,
  parseModelReference,
  toModelSummary,
  toModelVersion,
  type ModelDetails,
  type ModelSummary,
  type ModelSummaryRow,
  type ModelVersion,
  type ModelVersionRow,
  type RegisterModelVersion,
  type SetAliasResult,
} from './model-registry.types';
import { PersistenceErrorCode, PersistenceException } from './persistence.errors';
import { withTransaction } from './pg-pool';

const MAX_TEXT_LENGTH = 2048;

const invalid = (message: string): PersistenceException => new PersistenceException(PersistenceErrorCode.InvalidArgument, message);
const modelNotFound = (name: string): PersistenceException =>
  new PersistenceException(PersistenceErrorCode.ModelNotFound, `Model ${JSON.stringify(name)} is not registered`);

const assertText = (name: string, value: unknown, optional = false): void => {
  if (optional && (value === undefined || value === null)) return;
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TEXT_LENGTH) {
    throw invalid(`${name} must be a non-empty string of at most ${MAX_TEXT_LENGTH} characters`);
  }
};

const aliasMap = (rows: ReadonlyArray<{ alias: string; version: number }>): Record<string, number> =>
  Object.fromEntries(rows.map((row) => [row.alias, row.version]));

/**
 * The model registry: named models, their numbered versions (immutable once registered) and
 * movable aliases (`production`, `candidate`, …). Writes to one model are serialised by a lock on
 * its `models` row, so version numbers are gap-free and alias moves report the true previous version.
 */
export class ModelRegistryRepository {
  constructor(private readonly pool: Pool) {}

  /** Registers the next version of `name` (1 for a new model, which this creates). */
  async registerVersion(input: RegisterModelVersion): Promise<ModelVersion> {
    if (!MODEL_NAME_PATTERN.test(input.name)) throw invalid(`Model name ${JSON.stringify(input.name)} must match ${MODEL_NAME_PATTERN.source}`);
    assertText('description', input.description, true);
    assertText('baseModel', input.baseModel, true);
    assertText('sourceDataset', input.sourceDataset);
    assertText('uri', input.uri);
    assertText('contentVersion', input.contentVersion);
    const parameters = toJsonObject('trainingParameters', input.trainingParameters);
    const metrics = toJsonObject('metrics', input.metrics);

    return withTransaction(this.pool, async (client) => {
      await client.query('INSERT INTO models (name, description) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
        input.name,
        input.description ?? null,
      ]);
      await this.lockModel(client, input.name);
      // Under the lock (and READ COMMITTED, a fresh snapshot per statement) max() sees every committed version.
      const { rows } = await client.query<ModelVersionRow>(
        `INSERT INTO model_versions (model, version, base_model, source_dataset, training_parameters, metrics, uri, content_version)
         SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4::jsonb, $5::jsonb, $6, $7 FROM model_versions WHERE model = $1
         RETURNING ${VERSION_COLUMNS}`,
        [input.name, input.baseModel ?? null, input.sourceDataset, parameters, metrics, input.uri, input.contentVersion],
      );
      return toModelVersion(rows[0]);
    });
  }

  async getModel(name: string): Promise<ModelDetails | null> {
    if (!MODEL_NAME_PATTERN.test(name)) return null; // not a name we could have stored
    const [model, versions, aliases] = await Promise.all([
      this.pool.query<{ name: string; description: string | null; created_at: Date }>(
        'SELECT name, description, created_at FROM models WHERE name = $1',
        [name],
      ),
      this.pool.query<ModelVersionRow>(`SELECT ${VERSION_COLUMNS} FROM model_versions WHERE model = $1 ORDER BY version`, [name]),
      this.pool.query<{ alias: string; version: number }>('SELECT alias, version FROM model_aliases WHERE model = $1 ORDER BY alias', [name]),
    ]);
    const row = model.rows[0];
    if (!row) return null;
    return {
      name: row.name,
      description: row.description,
      createdAt: row.created_at.toISOString(),
      versions: versions.rows.map(toModelVersion),
      aliases: aliasMap(aliases.rows),
    };
  }

  /** Every model that has at least one version, by name. */
  async listModels(): Promise<ModelSummary[]> {
    const { rows } = await this.pool.query<ModelSummaryRow>(
      `SELECT m.name, m.description, m.created_at,
              max(v.version) AS latest_version, count(*)::int AS version_count, max(v.created_at) AS updated_at,
              COALESCE((SELECT jsonb_object_agg(a.alias, a.version) FROM model_aliases a WHERE a.model = m.name), '{}'::jsonb) AS aliases
       FROM models m JOIN model_versions v ON v.model = m.name
       GROUP BY m.name
       ORDER BY m.name`,
    );
    return rows.map(toModelSummary);
  }

  async getVersion(name: string, version: number): Promise<ModelVersion | null> {
    if (!MODEL_NAME_PATTERN.test(name) || !isValidVersion(version)) return null;
    const { rows } = await this.pool.query<ModelVersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM model_versions WHERE model = $1 AND version = $2`,
      [name, version],
    );
    return rows[0] ? toModelVersion(rows[0]) : null;
  }

  /**
   * Points `alias` at `version`, creating or moving it. Throws INVALID_ALIAS, MODEL_NOT_FOUND or
   * VERSION_NOT_FOUND (the edge maps the last two to 404).
   */
  async setAlias(name: string, alias: string, version: number): Promise<SetAliasResult> {
    if (!MODEL_ALIAS_PATTERN.test(alias)) throw invalidAlias(alias);
    if (!MODEL_NAME_PATTERN.test(name)) throw modelNotFound(name);
    return withTransaction(this.pool, async (client) => {
      if (!(await this.lockModel(client, name))) throw modelNotFound(name);
      const exists = await client.query('SELECT 1 FROM model_versions WHERE model = $1 AND version = $2', [name, isValidVersion(version) ? version : 0]);
      if (!exists.rowCount) {
        throw new PersistenceException(PersistenceErrorCode.VersionNotFound, `Model ${JSON.stringify(name)} has no version ${version}`);
      }
      const previous = await client.query<{ version: number }>('SELECT version FROM model_aliases WHERE model = $1 AND alias = $2', [name, alias]);
      await client.query(
        `INSERT INTO model_aliases (model, alias, version) VALUES ($1, $2, $3)
         ON CONFLICT (model, alias) DO UPDATE SET version = EXCLUDED.version, updated_at = now()`,
        [name, alias, version],
      );
      return { previous: previous.rows[0]?.version ?? null, version };
    });
  }

  /** Removes an alias; returns the version it pointed to, null if it did not exist. */
  async removeAlias(name: string, alias: string): Promise<number | null> {
    if (!MODEL_ALIAS_PATTERN.test(alias)) throw invalidAlias(alias);
    if (!MODEL_NAME_PATTERN.test(name)) return null;
    const { rows } = await this.pool.query<{ version: number }>(
      'DELETE FROM model_aliases WHERE model = $1 AND alias = $2 RETURNING version',
      [name, alias],
    );
    return rows[0]?.version ?? null;
  }

  /**
   * `name` → its `production` alias if set, else its latest version; `name@3` → version 3;
   * `name@candidate` → that alias. Null when the model, version or alias does not exist;
   * a malformed reference throws INVALID_REFERENCE / INVALID_ALIAS.
   */
  async resolve(reference: string): Promise<ModelVersion | null> {
    const ref = parseModelReference(reference);
    if (ref.kind === 'version') return this.getVersion(ref.name, ref.version);
    const alias = ref.kind === 'alias' ? ref.alias : PRODUCTION_ALIAS;
    // For a bare name a missing alias falls back to the latest version; for name@alias it does not.
    const fallback = ref.kind === 'default' ? '(SELECT max(version) FROM model_versions WHERE model = $1)' : 'NULL';
    const { rows } = await this.pool.query<ModelVersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM model_versions
       WHERE model = $1
         AND version = COALESCE((SELECT version FROM model_aliases WHERE model = $1 AND alias = $2), ${fallback})`,
      [ref.name, alias],
    );
    return rows[0] ? toModelVersion(rows[0]) : null;
  }

  /**
   * Serialises writers of one model. NO KEY UPDATE (not UPDATE) so it does not block the foreign-key
   * checks of concurrent readers/writers of other tables. Returns whether the model exists.
   */
  private async lockModel(client: PoolClient, name: string): Promise<boolean> {
    const { rowCount } = await client.query('SELECT 1 FROM models WHERE name = $1 FOR NO KEY UPDATE', [name]);
    return (rowCount ?? 0) > 0;
  }
}
