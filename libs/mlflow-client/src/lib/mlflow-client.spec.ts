import { MlflowClient } from './mlflow-client';
import { MlflowError, MlflowErrorCode } from './mlflow.errors';
import type { FetchLike, MlflowClientOptions } from './mlflow.types';
import { FakeMlflowServer } from '../test/fake-mlflow-server';

const TOKEN = 'tok-s3cr3t-value';

describe('MlflowClient', () => {
  let server: FakeMlflowServer;
  let warnings: string[];
  const client = (overrides: Partial<MlflowClientOptions> = {}) =>
    new MlflowClient({ trackingUri: server.url, token: TOKEN, retryDelayMs: 5, logger: { warn: (m) => warnings.push(m) }, ...overrides });
  const caught = async (promise: Promise<unknown>): Promise<MlflowError> => {
    const error = await promise.then(() => null, (e: unknown) => e);
    if (!(error instanceof MlflowError)) throw new Error(`expected an MlflowError, got ${String(error)}`);
    return error;
  };

  beforeEach(async () => {
    server = await new FakeMlflowServer().start();
    warnings = [];
  });
  afterEach(() => server.stop());

  it('creates a missing experiment once and reuses it afterwards', async () => {
    const mlflow = client();
    expect(await mlflow.ensureExperiment('sentiment lite')).toBe('1');
    expect(await mlflow.ensureExperiment('sentiment lite')).toBe('1');
    expect(server.calls.map((c) => `${c.method} ${c.endpoint}`)).toEqual([
      'GET experiments/get-by-name',
      'POST experiments/create',
      'GET experiments/get-by-name',
    ]);
    expect(server.calls[0].query).toEqual({ experiment_name: 'sentiment lite' });
    expect(server.calls[1].body).toEqual({ name: 'sentiment lite' });
    expect(server.calls.every((c) => c.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('settles a race on experiment creation by reading the winner', async () => {
    server.failNext('experiments/get-by-name', 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'missing' });
    server.addExperiment('shared', '42'); // another trainer created it meanwhile
    expect(await client().ensureExperiment('shared')).toBe('42');
    expect(server.endpoints()).toEqual(['experiments/get-by-name', 'experiments/create', 'experiments/get-by-name']);
  });

  it('sends runs, params, metrics and status in the REST API shapes', async () => {
    const mlflow = client();
    const run = await mlflow.createRun('7', { runName: 'lite-1', tags: { kind: 'train-lite' }, startTime: 1000 });
    expect(run).toMatchObject({ run_id: 'run1', experiment_id: '7' });
    const params = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i}`, i]));
    await mlflow.logParams(run.run_id, { ...params, nested: { a: [1, 2] }, flag: true, long: 'x'.repeat(600) });
    await mlflow.logMetrics(run.run_id, [{ key: 'loss', value: 0.5, step: 1, timestamp: 123 }, { key: 'f1', value: 0.6, step: 1 }]);
    await mlflow.finishRun(run.run_id, 'FINISHED', 2000);

    const [create, firstParams, secondParams, metrics, update] = server.calls;
    expect(create.body).toEqual({ experiment_id: '7', run_name: 'lite-1', start_time: 1000, tags: [{ key: 'kind', value: 'train-lite' }] });
    // At most 100 params per log-batch; values are strings.
    expect((firstParams.body['params'] as unknown[]).length).toBe(100);
    expect(secondParams.body['params']).toEqual(
      expect.arrayContaining([{ key: 'nested', value: '{"a":[1,2]}' }, { key: 'flag', value: 'true' }, { key: 'p149', value: '149' }]),
    );
    expect((secondParams.body['params'] as Array<{ key: string; value: string }>).find((p) => p.key === 'long')?.value).toHaveLength(500);
    expect(metrics.body).toEqual({
      run_id: 'run1',
      metrics: [
        { key: 'loss', value: 0.5, step: 1, timestamp: 123 },
        { key: 'f1', value: 0.6, step: 1, timestamp: expect.any(Number) },
      ],
    });
    expect(update).toMatchObject({ endpoint: 'runs/update', body: { run_id: 'run1', status: 'FINISHED', end_time: 2000 } });
  });

  it('registers model versions, creating the registered model only once', async () => {
    const mlflow = client();
    expect(await mlflow.registerModelVersion('sentiment-lite', 'file:///models/lite/1', 'run9')).toMatchObject({ version: '1' });
    expect(await mlflow.registerModelVersion('sentiment-lite', 'file:///models/lite/2', 'run10')).toMatchObject({ version: '2' });
    expect(server.endpoints()).toEqual([
      'registered-models/create',
      'model-versions/create',
      'registered-models/create', // RESOURCE_ALREADY_EXISTS, ignored
      'model-versions/create',
    ]);
    expect(server.calls[3].body).toEqual({ name: 'sentiment-lite', source: 'file:///models/lite/2', run_id: 'run10' });
  });

  it('retries a 500 and succeeds', async () => {
    server.failNext('runs/create', 500);
    expect((await client().createRun('1')).run_id).toBe('run1');
    expect(server.endpoints()).toEqual(['runs/create', 'runs/create']);
    expect(warnings).toEqual([expect.stringContaining('retry 1/2')]);
  });

  it('gives up after two retries of 5xx, non-JSON answers included', async () => {
    server.failNext('runs/update', 502, '<html>Bad gateway</html>');
    server.failNext('runs/update', 503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'later' }, 2);
    const error = await caught(client().finishRun('run1', 'FAILED'));
    expect(error).toMatchObject({ status: 503, errorCode: 'TEMPORARILY_UNAVAILABLE', endpoint: 'runs/update', retryable: true });
    expect(server.endpoints()).toEqual(['runs/update', 'runs/update', 'runs/update']);
  });

  it('does not retry a 400 and reports MLflow error_code', async () => {
    server.failNext('runs/log-batch', 400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'Param value too long' });
    const error = await caught(client().logParams('run1', { a: 1 }));
    expect(error).toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE', retryable: false });
    expect(error.message).toBe('MLflow POST runs/log-batch failed: 400 INVALID_PARAMETER_VALUE: Param value too long');
    expect(server.calls).toHaveLength(1);
  });

  it('retries timeouts and network errors', async () => {
    server.delayMs = 200;
    const timeout = await caught(client({ timeoutMs: 30, retries: 1 }).createRun('1'));
    expect(timeout).toMatchObject({ status: null, errorCode: MlflowErrorCode.Timeout });
    expect(server.calls).toHaveLength(2);

    server.delayMs = 0;
    let failures = 1;
    const flaky: FetchLike = (url, init) => (failures-- > 0 ? Promise.reject(new TypeError('fetch failed')) : fetch(url, init));
    expect((await client({ fetch: flaky }).createRun('1')).run_id).toBeDefined();
    const unreachable = await caught(client({ trackingUri: 'http://127.0.0.1:1', retries: 0 }).createRun('1'));
    expect(unreachable).toMatchObject({ status: null, errorCode: MlflowErrorCode.NetworkError });
  });

  it('keeps credentials out of errors and logs', async () => {
    const echo = { error_code: 'INTERNAL_ERROR', message: `bad header Authorization: Bearer ${TOKEN}` };
    server.failNext('runs/create', 500, echo, 3);
    const error = await caught(client().createRun('1'));
    expect(error.message).toContain('Bearer ***');
    expect([error.message, ...warnings].join('\n')).not.toContain(TOKEN);

    const basic = new MlflowClient({ trackingUri: server.url.replace('http://', 'http://ops:pa55word@'), retryDelayMs: 5 });
    server.failNext('runs/create', 400, { error_code: 'BAD_REQUEST', message: `from ${server.url}` });
    const basicError = await caught(basic.createRun('1'));
    expect(server.calls[server.calls.length - 1].authorization).toBe(`Basic ${Buffer.from('ops:pa55word').toString('base64')}`);
    expect(basicError.message).not.toMatch(/pa55word|ops:/);
    expect(() => new MlflowClient({ trackingUri: 'not a url' })).toThrow(expect.objectContaining({ errorCode: MlflowErrorCode.InvalidConfig }));
  });
});
