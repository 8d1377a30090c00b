import type { RecordingTargets } from '@sentiment-ops/training-records';

/** DATABASE_URL, MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN, MLFLOW_EXPERIMENT_NAME: each optional. */
export const recordingTargetsFromEnv = (env: NodeJS.ProcessEnv = process.env): RecordingTargets => ({
  databaseUrl: env['DATABASE_URL'] || undefined,
  mlflow: { trackingUri: env['MLFLOW_TRACKING_URI'] || undefined, token: env['MLFLOW_TRACKING_TOKEN'] || undefined, experimentName: env['MLFLOW_EXPERIMENT_NAME'] || undefined },
  log: (line) => console.log(line),
});
