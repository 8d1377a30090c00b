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
  {
    id: 2,
    name: 'create_model_registry',
    sql: `
      CREATE TABLE models (
        -- '@' separates a name from a version or alias in references (name@2, name@production).
        name        text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 128 AND position('@' IN name) = 0),
        description text,
        created_at  timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE model_versions (
        model               text NOT NULL REFERENCES models (name),
        version             integer NOT NULL CHECK (version > 0), -- 1, 2, … per model
        base_model          text, -- reference of the model it was fine-tuned from, e.g. sentiment-lite@1
        source_dataset      text NOT NULL,
        training_parameters jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(training_parameters) = 'object'),
        metrics             jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metrics) = 'object'),
        uri                 text NOT NULL, -- folder or URI of the artifact
        content_version     text NOT NULL, -- hash of the weights
        created_at          timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (model, version)
      );

      CREATE TABLE model_aliases (
        model      text NOT NULL,
        alias      text NOT NULL CHECK (alias ~ '^[a-z][a-z0-9_-]{0,62}$'), -- never a number: name@2 is a version
        version    integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (model, alias),
        FOREIGN KEY (model, version) REFERENCES model_versions (model, version)
      );

      CREATE TABLE training_runs (
        id            uuid PRIMARY KEY,
        kind          text NOT NULL CHECK (kind IN ('train-lite', 'fine-tune')),
        status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
        base_model    text,
        dataset       text NOT NULL,
        split         text NOT NULL,
        parameters    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(parameters) = 'object'),
        epochs        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(epochs) = 'array'), -- one object per epoch
        final_metrics jsonb,
        model         text,
        version       integer,
        mlflow_run_id text,
        error         text,
        started_at    timestamptz NOT NULL DEFAULT now(),
        finished_at   timestamptz,
        FOREIGN KEY (model, version) REFERENCES model_versions (model, version),
        CONSTRAINT training_runs_model_and_version CHECK ((model IS NULL) = (version IS NULL)),
        CONSTRAINT training_runs_finished CHECK ((status = 'running') = (finished_at IS NULL)),
        CONSTRAINT training_runs_completed_has_metrics CHECK (status <> 'completed' OR final_metrics IS NOT NULL)
      );

      CREATE INDEX training_runs_started_at_idx ON training_runs (started_at DESC, id DESC);
      -- Lineage: which runs produced (or fine-tuned from) a model.
      CREATE INDEX training_runs_model_idx ON training_runs (model, version) WHERE model IS NOT NULL;
    `,
  },
  {
    id: 3,
    name: 'create_api_keys',
    sql: `
      -- Gateway API keys issued through POST /admin/keys (keys from the API_KEYS variable are not stored).
      -- Only the SHA-256 of a key is kept: a database leak does not leak usable keys.
      CREATE TABLE api_keys (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name         text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
        role         text NOT NULL CHECK (role IN ('predict', 'operator', 'admin')),
        key_hash     bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
        created_at   timestamptz NOT NULL DEFAULT now(),
        revoked_at   timestamptz,
        last_used_at timestamptz
      );

      -- A name identifies one active key (logs, rate limits, quotas); a revoked name may be reissued.
      CREATE UNIQUE INDEX api_keys_active_name_idx ON api_keys (name) WHERE revoked_at IS NULL;
    `,
  },
  {
    id: 4,
    name: 'add_evaluation_runs_owner_key',
    sql: `
      -- The API key (by name) that queued the run: per-key quotas count across gateway replicas.
      ALTER TABLE evaluation_runs ADD COLUMN owner_key text;
      CREATE INDEX evaluation_runs_owner_idx ON evaluation_runs (owner_key, created_at DESC) WHERE owner_key IS NOT NULL;
    `,
  },
  {
    id: 5,
    name: 'create_prediction_log',
    sql: `
      -- A sample of live predictions for drift reports; the text only when PREDICTION_LOG_TEXT=true.
      CREATE TABLE prediction_log (
        id            bigserial PRIMARY KEY,
        created_at    timestamptz NOT NULL DEFAULT now(),
        model         text NOT NULL,
        model_version text NOT NULL,
        text_length   integer NOT NULL CHECK (text_length >= 0), -- code points
        label         text NOT NULL CHECK (label IN ('negative', 'neutral', 'positive')),
        confidence    real NOT NULL,
        p_negative    real NOT NULL,
        p_neutral     real NOT NULL,
        p_positive    real NOT NULL,
        text          text
      );

      -- Drift reads go by time window, overall or for one model; retention deletes by age.
      CREATE INDEX prediction_log_created_at_idx ON prediction_log (created_at);
      CREATE INDEX prediction_log_model_created_at_idx ON prediction_log (model, created_at);
    `,
  },
  {
    id: 6,
    name: 'create_monitoring',
    sql: `
      -- The built-in schedules (model-evaluation, drift-monitoring). The worker writes its configured
      -- pattern at start; operators override pattern/time zone and pause through the API.
      CREATE TABLE schedules (
        id                text PRIMARY KEY,
        config_pattern    text NOT NULL,
        config_timezone   text NOT NULL,
        pattern_override  text,
        timezone_override text,
        enabled           boolean NOT NULL DEFAULT true,
        updated_at        timestamptz NOT NULL DEFAULT now(),
        updated_by        text
      );

      CREATE TABLE drift_reports (
        id              uuid PRIMARY KEY, -- also the BullMQ job id of the run
        status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        trigger         text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
        requested_by    text,
        parameters      jsonb NOT NULL DEFAULT '{}',
        model           text,
        dataset_drifted boolean,
        result          jsonb,
        markdown        text,
        png             bytea,
        error           text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        started_at      timestamptz,
        finished_at     timestamptz
      );
      CREATE INDEX drift_reports_created_at_idx ON drift_reports (created_at DESC);

      CREATE TABLE drift_alerts (
        id           uuid PRIMARY KEY,
        report_id    uuid NOT NULL REFERENCES drift_reports (id) ON DELETE CASCADE,
        type         text NOT NULL,
        severity     text NOT NULL CHECK (severity IN ('WARNING', 'CRITICAL')),
        feature      text,
        message      text NOT NULL,
        threshold    double precision NOT NULL,
        actual_value double precision NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX drift_alerts_created_at_idx ON drift_alerts (created_at DESC);
      CREATE INDEX drift_alerts_report_idx ON drift_alerts (report_id);

      -- Parent of a model-evaluation flow: the children are evaluation_runs (run_ids, in target order).
      CREATE TABLE comparison_reports (
        id           uuid PRIMARY KEY,
        status       text NOT NULL DEFAULT 'running' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        trigger      text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
        requested_by text,
        partial      boolean NOT NULL DEFAULT false,
        targets      jsonb NOT NULL,
        run_ids      uuid[] NOT NULL,
        entries      jsonb,
        deltas       jsonb,
        markdown     text,
        png          bytea,
        error        text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        finished_at  timestamptz
      );
      CREATE INDEX comparison_reports_created_at_idx ON comparison_reports (created_at DESC);
    `,
  },
];

/** How a migration is named in logs and in `runMigrations`' result, e.g. `0001_create_evaluation_runs`. */
export const migrationLabel = (migration: Pick<Migration, 'id' | 'name'>): string =>
  `${String(migration.id).padStart(4, '0')}_${migration.name}`;
