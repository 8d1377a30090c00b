import { MlflowError } from './mlflow.errors';
import type { FetchLike } from './mlflow.types';
import { TrainingTracker, flattenMetrics, type TrainingTrackerOptions } from './training-tracker';
import { FakeMlflowServer } from '../test/fake-mlflow-server';

describe('TrainingTracker', () => {
  let server: FakeMlflowServer;
  let warnings: string[];
  const tracker = (overrides: Partial<TrainingTrackerOptions> = {}) =>
    new TrainingTracker({
      trackingUri: server.url,
      experimentName: 'sentiment-lite',
      runName: 'train-lite 2024-06-01',
      tags: { kind: 'train-lite' },
      retryDelayMs: 5,
      logger: { warn: (m) => warnings.push(m) },
      ...overrides,
    });
  /** What a trainer does for one run of `epochs` epochs. */
  const train = async (t: TrainingTracker, epochs = 2) => {
    await t.start({ epochs, learningRate: 0.05, dataset: 'tweet_eval' });
    for (let step = 1; step <= epochs; step++) await t.epoch(step, { loss: 1 / step, validation: { macroF1: step / 4 } });
    return t.finish({ test: { macroF1: 0.61, accuracy: 0.63 } }, { name: 'sentiment-lite', source: '/models/sentiment-lite/3' });
  };

  beforeEach(async () => {
    server = await new FakeMlflowServer().start();
    warnings = [];
  });
  afterEach(() => server.stop());

  it('tracks a whole training run in order', async () => {
    const t = tracker();
    expect(await train(t)).toEqual({ runId: 'run1', modelVersion: '1' });
    expect(t.runId).toBe('run1');
    expect(server.calls.map((c) => `${c.method} ${c.endpoint}`)).toEqual([
      'GET experiments/get-by-name',
      'POST experiments/create',
      'POST runs/create',
      'POST runs/log-batch', // params
      'POST runs/log-batch', // epoch 1
      'POST runs/log-batch', // epoch 2
      'POST runs/log-batch', // final metrics
      'POST runs/update',
      'POST registered-models/create',
      'POST model-versions/create',
    ]);
    const [, , create, params, epoch1, epoch2, final, update, , version] = server.calls;
    expect(create.body).toMatchObject({ experiment_id: '1', run_name: 'train-lite 2024-06-01', tags: [{ key: 'kind', value: 'train-lite' }] });
    expect(params.body['params']).toEqual([
      { key: 'epochs', value: '2' },
      { key: 'learningRate', value: '0.05' },
      { key: 'dataset', value: 'tweet_eval' },
    ]);
    const metric = (key: string, value: number, step: number) => ({ key, value, step, timestamp: expect.any(Number) });
    expect(epoch1.body['metrics']).toEqual([metric('loss', 1, 1), metric('validation.macroF1', 0.25, 1)]);
    expect(epoch2.body['metrics']).toEqual([metric('loss', 0.5, 2), metric('validation.macroF1', 0.5, 2)]);
    expect(final.body['metrics']).toEqual([metric('test.macroF1', 0.61, 2), metric('test.accuracy', 0.63, 2)]);
    expect(update.body).toEqual({ run_id: 'run1', status: 'FINISHED', end_time: expect.any(Number) });
    expect(version.body).toEqual({ name: 'sentiment-lite', source: '/models/sentiment-lite/3', run_id: 'run1' });
  });

  it('reuses an existing experiment', async () => {
    await train(tracker());
    server.calls.length = 0;
    expect(await train(tracker())).toEqual({ runId: 'run2', modelVersion: '2' });
    expect(server.endpoints()).not.toContain('experiments/create');
    expect(server.calls.find((c) => c.endpoint === 'runs/create')?.body['experiment_id']).toBe('1');
  });

  it('ends a failed training as FAILED with the error as a tag', async () => {
    const t = tracker();
    await t.start({}); // no params: no log-batch call
    await t.fail(new Error('out of memory'));
    expect(server.calls.slice(-2).map((c) => c.body)).toEqual([
      { run_id: 'run1', tags: [{ key: 'error', value: 'out of memory' }] },
      { run_id: 'run1', status: 'FAILED', end_time: expect.any(Number) },
    ]);
    await t.epoch(3, { loss: 1 }); // after the end: nothing
    expect(server.calls).toHaveLength(5);
  });

  it('is a no-op without a tracking URI', async () => {
    const fetchSpy = jest.fn<ReturnType<FetchLike>, Parameters<FetchLike>>();
    for (const trackingUri of [undefined, null, '']) {
      const t = tracker({ trackingUri, fetch: fetchSpy });
      expect(t.enabled).toBe(false);
      expect(await t.start({ epochs: 1 })).toBeNull();
      await t.epoch(1, { loss: 1 });
      expect(await t.finish({ f1: 1 }, { name: 'm', source: '/m' })).toBeNull();
      await t.fail('x');
    }
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(server.calls).toHaveLength(0);
  });

  it('stops tracking after a failure instead of failing the training, unless strict', async () => {
    server.failNext('runs/create', 403, { error_code: 'PERMISSION_DENIED', message: 'no' });
    const lenient = tracker();
    expect(await train(lenient)).toBeNull();
    expect(warnings).toEqual([expect.stringMatching(/^MLflow tracking stopped at start: .*403 PERMISSION_DENIED/)]);
    expect(server.endpoints()).toEqual(['experiments/get-by-name', 'experiments/create', 'runs/create']);

    server.failNext('runs/create', 403, { error_code: 'PERMISSION_DENIED', message: 'no' });
    await expect(tracker({ strict: true }).start({})).rejects.toBeInstanceOf(MlflowError);
  });

  it('flattens nested metrics and drops values JSON cannot carry', () => {
    expect(flattenMetrics({ a: 1, b: { c: 2, d: { e: Number.NaN, f: 3 } }, g: Number.POSITIVE_INFINITY })).toEqual([
      { key: 'a', value: 1 },
      { key: 'b.c', value: 2 },
      { key: 'b.d.f', value: 3 },
    ]);
  });
});
