export const PersistenceErrorCode = {
  InvalidArgument: 'INVALID_ARGUMENT',
  InvalidDatabaseName: 'INVALID_DATABASE_NAME',
  InvalidMigrations: 'INVALID_MIGRATIONS',
  MigrationDrift: 'MIGRATION_DRIFT',
  MigrationFailed: 'MIGRATION_FAILED',
  CorruptRow: 'CORRUPT_ROW',
  // Model registry: NOT_FOUND codes map to 404 at the edge, INVALID_* to 400.
  ModelNotFound: 'MODEL_NOT_FOUND',
  VersionNotFound: 'VERSION_NOT_FOUND',
  InvalidAlias: 'INVALID_ALIAS',
  InvalidReference: 'INVALID_REFERENCE',
  // API keys: a second active key with the same name maps to 409 at the edge.
  ApiKeyExists: 'API_KEY_EXISTS',
} as const;
export type PersistenceErrorCode = (typeof PersistenceErrorCode)[keyof typeof PersistenceErrorCode];

/** A caller bug or an inconsistent database; Postgres' own errors (timeouts, connection loss) pass through as is. */
export class PersistenceException extends Error {
  constructor(
    readonly code: PersistenceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PersistenceException';
  }
}
