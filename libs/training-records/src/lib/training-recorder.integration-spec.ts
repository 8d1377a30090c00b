import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Client } from 'pg';
import { createPgPool, ModelRegistryRepository, TrainingRunRepository } from '@sentiment-ops/persistence';
import { TrainingRecorder } from './training-recorder';

const ADMIN_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const report = (macroF1: number) => ({ accuracy: 0.7, macroRecall: 0.6, macroF1 });

// Real Postgres (own database) and a local server that answers like MLflow and records the calls.
describe('TrainingRecorder', () => {
  const name = `sentiment_ops_test_recorder_${randomBytes(4).toString('hex')}`;
  const databaseUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${name}` }).toString();
  const calls: string[] = [];
  let server: Server;
  let trackingUri: string;

  const admin = async (sql: string) => {
    const client = new Client({ connectionString: ADMIN_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      calls.push(`${req.method} ${req.url?.split('?')[0]}`);
      const body = req.url?.includes('experiments/get-by-name')
        ? { experiment: { experiment_id: '7' } }
        : req.url?.includes('runs/create')
          ? { run: { info: { run_id: 'run-1' } } }
          : req.url?.includes('model-versions/create')
            ? { model_version: { version: '1' } }
            : {};
      req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    trackingUri = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it('records the run in Postgres and MLflow and registers the model version', async () => {
    const recorder = await TrainingRecorder.open(
      { kind: 'train-lite', dataset: 'tweet_eval', split: 'train', baseModel: null, parameters: { seed: 42, epochs: 2 }, outDir: '/models/lite-test' },
      { databaseUrl, mlflow: { trackingUri } },
    );
    recorder.epoch(1, { loss: 0.9, validationMacroRecall: 0.5 });
    recorder.epoch(2, { loss: 0.7, validationMacroRecall: 0.6 });
    const registered = await recorder.complete({ finalMetrics: { validation: report(0.6), test: null }, contentVersion: 'abc123abc123' });
    expect(registered).toBe('lite-test@1');

    const pool = createPgPool({ url: databaseUrl, applicationName: 'recorder-test' });
    try {
      const version = await new ModelRegistryRepository(pool).resolve('lite-test');
      expect(version).toMatchObject({ name: 'lite-test', version: 1, uri: '/models/lite-test', contentVersion: 'abc123abc123', sourceDataset: 'tweet_eval/train' });
      const [run] = (await new TrainingRunRepository(pool).list({})).items;
      expect(run).toMatchObject({ kind: 'train-lite', status: 'completed', model: 'lite-test', version: 1, mlflowRunId: 'run-1' });
      expect(run.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    } finally {
      await pool.end();
    }
    expect(calls).toEqual(expect.arrayContaining(['POST /api/2.0/mlflow/runs/create', 'POST /api/2.0/mlflow/runs/log-batch', 'POST /api/2.0/mlflow/runs/update', 'POST /api/2.0/mlflow/model-versions/create']));
  });

  it('records nothing and needs nothing when no target is given', async () => {
    const before = calls.length;
    const recorder = await TrainingRecorder.open({ kind: 'fine-tune', dataset: 'd', split: 's', baseModel: 'sentiment-lite', parameters: {}, outDir: '/x/y' }, {});
    recorder.epoch(1, { loss: 1 });
    expect(await recorder.complete({ finalMetrics: { holdout: report(0.5) }, contentVersion: 'v' })).toBeNull();
    expect(calls.length).toBe(before);
  });
});
