import { ConfigValidationError } from '@sentiment-ops/config';
import { loadWorkerConfig } from './worker.config';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadWorkerConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems.map((p) => `${p.variable}: ${p.message}`);
    throw error;
  }
  return [];
};

describe('worker configuration: schedules, drift and alerts', () => {
  it('defaults to the hourly evaluation and 12-hourly drift schedules, TweetEval for production, TweetEval + Amazon for a candidate', () => {
    const config = loadWorkerConfig({});
    expect(config.schedules).toEqual({ enabled: true, timezone: 'UTC', modelEvaluation: '0 * * * *', driftMonitoring: '0 */12 * * *' });
    expect(config.modelEvaluation).toEqual({
      productionModel: null,
      candidateModel: null,
      productionDatasets: [{ dataset: 'tweet_eval', split: 'test' }],
      candidateDatasets: [
        { dataset: 'tweet_eval', split: 'test' },
        { dataset: 'mteb/amazon_reviews_multi', split: 'test' },
      ],
      samples: 500,
      seed: 42,
    });
    expect(config.drift).toMatchObject({ referenceDays: 7, currentHours: 12, referenceDataset: null, calibrationDataset: { dataset: 'tweet_eval', split: 'validation' }, accuracyDrop: 0.1, f1Drop: 0.08, confidenceShift: 0.15 });
    expect(config.alerts).toEqual({ webhookUrl: undefined, timeoutMs: 5000, attempts: 4, backoffMs: 1000 });
  });

  it('accepts aliases and blank optional values', () => {
    const config = loadWorkerConfig({ MODEL_EVALUATION_CANDIDATE_DATASETS: 'amazon_reviews_multi:validation', DRIFT_CALIBRATION_DATASET: '', MODEL_EVALUATION_CANDIDATE_MODEL: ' ' });
    expect(config.modelEvaluation.candidateDatasets).toEqual([{ dataset: 'mteb/amazon_reviews_multi', split: 'validation' }]);
    expect(config.modelEvaluation.candidateModel).toBeNull();
    expect(config.drift.calibrationDataset).toBeNull();
  });

  it('fails at boot naming each bad variable', () => {
    expect(
      problemsOf({
        MODEL_EVALUATION_CRON: 'hourly',
        SCHEDULE_TIMEZONE: 'Mars/Olympus',
        MODEL_EVALUATION_PRODUCTION_DATASETS: 'tweet_eval:dev,imdb:test,plain',
        DRIFT_P_VALUE: '2',
        DRIFT_REFERENCE_DATASET: 'tweet_eval:test,tweet_eval:validation',
        ALERT_WEBHOOK_URL: 'not a url',
      }),
    ).toEqual([
      expect.stringMatching(/^SCHEDULE_TIMEZONE: must be an IANA time zone/),
      expect.stringMatching(/^MODEL_EVALUATION_CRON: must be a cron pattern/),
      expect.stringMatching(/^MODEL_EVALUATION_PRODUCTION_DATASETS: tweet_eval has no split "dev"/),
      expect.stringMatching(/^MODEL_EVALUATION_PRODUCTION_DATASETS: .*imdb/),
      'MODEL_EVALUATION_PRODUCTION_DATASETS: "plain" is not name:split',
      'DRIFT_REFERENCE_DATASET: takes one name:split',
      expect.stringMatching(/^DRIFT_P_VALUE: must be at most 0.5/),
      expect.stringMatching(/^ALERT_WEBHOOK_URL: must be an http\(s\) URL/),
    ]);
  });

  it('takes only an http(s) alert webhook: fetch cannot post to another scheme', () => {
    expect(problemsOf({ ALERT_WEBHOOK_URL: 'ftp://hooks.example.com/alerts' })).toEqual([expect.stringMatching(/^ALERT_WEBHOOK_URL: must be an http\(s\) URL/)]);
    expect(problemsOf({ ALERT_WEBHOOK_URL: 'file:///etc/passwd' })).toEqual([expect.stringMatching(/^ALERT_WEBHOOK_URL: must be an http\(s\) URL/)]);
    expect(loadWorkerConfig({ ALERT_WEBHOOK_URL: 'https://hooks.example.com/alerts?token=t' }).alerts.webhookUrl).toBe('https://hooks.example.com/alerts?token=t');
  });
});
