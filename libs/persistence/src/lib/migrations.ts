/**
 * Schema migrations, applied in order by `runMigrations`. Append only: never edit or renumber a
 * migration that has shipped (the runner refuses a renamed one); add a new one instead.
 */
export interface Migration {
  /** Positive, strictly increasing. */
  id: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'create_evaluation_runs',
    sql: `
      CREATE TABLE evaluation_runs (
        id                 uuid PRIMARY KEY, -- the BullMQ job id
        status             text NOT NULL DEFAULT 'queued'
                           CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
        dataset            text NOT NULL,
        split              text NOT NULL,
        samples_requested  integer CHECK (samples_requested > 0), -- null = the whole split
        sampling           text NOT NULL CHECK (sampling IN ('first', 'random', 'stratified')),
        seed               bigint NOT NULL,
        model_name         text, -- as requested; null = the inference default
        resolved_model     text, -- the model that actually answered
        model_version      text,
        samples_evaluated  integer CHECK (samples_evaluated >= 0),
        progress           real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
        attempts           integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        error              text,
        created_at         timestamptz NOT NULL DEFAULT now(),
        started_at         timestamptz,
        finished_at        timestamptz,
        duration_ms        bigint CHECK (duration_ms >= 0),
        accuracy           double precision,
        macro_precision    double precision,
        macro_recall       double precision,
        macro_f1           double precision,
        weighted_precision double precision,
        weighted_recall    double precision,
        weighted_f1        double precision,
        zero_division      double precision,
        confusion_matrix   jsonb, -- 3x3, rows true, columns predicted (negative, neutral, positive)
        -- A completed run always carries its scores: complete() writes them in the same statement.
        CONSTRAINT evaluation_runs_completed_has_scores
          CHECK (status <> 'completed' OR (accuracy IS NOT NULL AND confusion_matrix IS NOT NULL))
      );

      -- History (API and Grafana): runs of one model on one dataset split, newest first.
      CREATE INDEX evaluation_runs_history_idx ON evaluation_runs (model_name, dataset, split, created_at DESC);
      CREATE INDEX evaluation_runs_created_at_idx ON evaluation_runs (created_at DESC);
      CREATE INDEX evaluation_runs_status_idx ON evaluation_runs (status, created_at DESC);
      -- Start-up restore of gauges: newest completed run per (model, dataset, split).
      CREATE INDEX evaluation_runs_latest_completed_idx
        ON evaluation_runs ((COALESCE(resolved_model, model_name)), dataset, split, finished_at DESC)
        WHERE status = 'completed';

      CREATE TABLE evaluation_class_metrics (
        run_id      uuid NOT NULL REFERENCES evaluation_runs (id) ON DELETE CASCADE,
        class_label text NOT NULL CHECK (class_label IN ('negative', 'neutral', 'positive')),
        precision   double precision NOT NULL,
        recall      double precision NOT NULL,
        f1          double precision NOT NULL,
        support     integer NOT NULL CHECK (support >= 0),
        PRIMARY KEY (run_id, class_label)
      );
    `,
  },
];

/** How a migration is named in logs and in `runMigrations`' result, e.g. `0001_create_evaluation_runs`. */
export const migrationLabel = (migration: Pick<Migration, 'id' | 'name'>): string =>
  `${String(migration.id).padStart(4, '0')}_${migration.name}`;
