/**
 * `npm run evaluate -- --dataset tweet_eval --split test --samples 500 --model <name> [--sampling random|first|stratified] [--seed N]`
 *   Enqueues an evaluation through the gateway (GATEWAY_URL, default http://127.0.0.1:8080), waits for it and prints the metrics.
 *   The gateway needs an operator key: SENTIMENT_OPS_API_KEY (an environment variable, so it stays out of shell history and ps).
 * `... --inline`: runs it in this process instead (model loaded here, dataset from DATASETS_DIR or the hub), without Redis or Postgres.
 * `... --inline --compare-dtypes`: evaluates the model as fp32 and as q8 on the same sample and prints the cost of quantisation.
 */
import { resolve } from 'node:path';
import { SAMPLING_STRATEGIES, SENTIMENT_LABELS, type ClassificationReport, type EvaluationRun, type SamplingStrategy } from '@sentiment-ops/contracts';
import { getDataset, HubDatasetSource, LocalDatasetSource, sampleRows } from '@sentiment-ops/datasets';
import { classificationReport, comparePredictions, ConfusionMatrix } from '@sentiment-ops/evaluation';
import type { Prediction } from '@sentiment-ops/contracts';
import { BUILT_IN_MODEL_REGISTRY, configureTransformersEnv, DEFAULT_MODEL_NAME, resolveModelSpec, RUNTIME_DEFAULTS, TransformerModelRuntime, type ModelDtype } from '@sentiment-ops/model-runtime';

const USAGE = 'usage: npm run evaluate -- [--dataset tweet_eval] [--split test] [--samples N] [--model NAME] [--sampling random|first|stratified] [--seed N] [--inline [--compare-dtypes]] [--gateway URL]';

interface Args {
  dataset: string;
  split: string;
  samples: number | null;
  model?: string;
  sampling: SamplingStrategy;
  seed: number;
  inline: boolean;
  compareDtypes: boolean;
  gateway: string;
}

const parseArgs = (argv: string[]): Args => {
  const values: Record<string, string> = {};
  let inline = false;
  let compareDtypes = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--inline' || arg === '--compare-dtypes') {
      if (arg === '--inline') inline = true;
      else compareDtypes = true;
      continue;
    }
    const match = /^--(dataset|split|samples|model|sampling|seed|gateway)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`${arg} needs a value`);
    values[match[1]] = value;
  }
  const integer = (name: string, min: number): number | undefined => {
    if (values[name] === undefined) return undefined;
    if (!/^\d+$/.test(values[name]) || Number(values[name]) < min) throw new Error(`--${name} must be a whole number ≥ ${min}`);
    return Number(values[name]);
  };
  if (compareDtypes && !inline) throw new Error('--compare-dtypes runs inline: add --inline');
  const sampling = (values['sampling'] ?? 'random') as SamplingStrategy;
  if (!SAMPLING_STRATEGIES.includes(sampling)) throw new Error(`--sampling must be one of ${SAMPLING_STRATEGIES.join(', ')}`);
  return {
    dataset: values['dataset'] ?? 'tweet_eval',
    split: values['split'] ?? 'test',
    samples: integer('samples', 1) ?? null,
    model: values['model'],
    sampling,
    seed: integer('seed', 0) ?? 42,
    inline,
    compareDtypes,
    gateway: values['gateway'] ?? process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:8080',
  };
};

const printReport = (title: string, report: ClassificationReport): void => {
  const f = (value: number) => value.toFixed(4);
  console.log(`\n${title}\n`);
  console.log(`samples ${report.samples}   accuracy ${f(report.accuracy)}   macro recall ${f(report.macroRecall)}   macro F1 ${f(report.macroF1)}   weighted F1 ${f(report.weightedF1)}\n`);
  console.log('class       precision  recall     f1         support');
  for (const label of SENTIMENT_LABELS) {
    const m = report.perClass[label];
    console.log(`${label.padEnd(12)}${f(m.precision).padEnd(11)}${f(m.recall).padEnd(11)}${f(m.f1).padEnd(11)}${m.support}`);
  }
  console.log(`${'macro'.padEnd(12)}${f(report.macroPrecision).padEnd(11)}${f(report.macroRecall).padEnd(11)}${f(report.macroF1)}`);
  console.log(`${'weighted'.padEnd(12)}${f(report.weightedPrecision).padEnd(11)}${f(report.weightedRecall).padEnd(11)}${f(report.weightedF1)}`);
  console.log('\nconfusion matrix (rows true, columns predicted: negative, neutral, positive)');
  report.confusionMatrix.forEach((row, i) => console.log(`${SENTIMENT_LABELS[i].padEnd(12)}${row.map((n) => String(n).padStart(8)).join('')}`));
};

const runInline = async (args: Args): Promise<void> => {
  const cacheDir = resolve(process.env['MODELS_CACHE_DIR'] ?? 'models/cache');
  const offline = ['1', 'true', 'yes'].includes(process.env['HF_HUB_OFFLINE'] ?? '');
  configureTransformersEnv({ cacheDir, offline, hubEndpoint: process.env['HF_ENDPOINT'] });
  const datasetsDir = process.env['DATASETS_DIR'];
  const source = datasetsDir
    ? new LocalDatasetSource({ datasetsDir: resolve(datasetsDir) })
    : new HubDatasetSource({ cacheDir: resolve(process.env['DATASETS_CACHE_DIR'] ?? 'datasets/cache') });
  const dataset = getDataset(args.dataset).name;
  const started = Date.now();
  const sample = await sampleRows(source, dataset, args.split, { strategy: args.sampling, samples: args.samples, seed: args.seed, maxSamples: Number(process.env['MAX_EVAL_SAMPLES'] ?? 20_000) });
  const requested = args.model ?? process.env['MODEL_ID'] ?? DEFAULT_MODEL_NAME;
  const defaultDtype = (process.env['MODEL_DTYPE'] as ModelDtype) ?? 'q8';
  const dtypes: readonly ModelDtype[] = args.compareDtypes ? ['fp32', 'q8'] : [defaultDtype];
  const predictionsByDtype: Prediction[][] = [];
  const recalls: number[] = [];
  for (const dtype of dtypes) {
    const spec = { ...resolveModelSpec(requested, BUILT_IN_MODEL_REGISTRY, { defaultDtype: dtype }), ...(args.compareDtypes ? { dtype } : {}) };
    const runtime = await TransformerModelRuntime.load(spec, {
      cacheDir,
      intraOpNumThreads: Number(process.env['INTRA_OP_THREADS'] ?? 2),
      maxSubBatchSize: RUNTIME_DEFAULTS.subBatchSize,
      maxSubBatchTokens: RUNTIME_DEFAULTS.subBatchTokens,
    });
    const matrix = new ConfusionMatrix();
    const all: Prediction[] = [];
    for (let offset = 0; offset < sample.rows.length; offset += 256) {
      const chunk = sample.rows.slice(offset, offset + 256);
      const predictions = await runtime.predict(chunk.map((row) => row.text));
      all.push(...predictions);
      matrix.addMany(chunk.map((row) => row.label), predictions.map((p) => p.label));
      process.stderr.write(`\r${spec.dtype} ${Math.min(offset + chunk.length, sample.rows.length)}/${sample.rows.length}`);
    }
    process.stderr.write('\n');
    const report = classificationReport(matrix);
    printReport(`${dataset}/${args.split} on ${runtime.descriptor.name} ${spec.dtype} (${runtime.descriptor.version}), inline, ${((Date.now() - started) / 1000).toFixed(1)} s`, report);
    predictionsByDtype.push(all);
    recalls.push(report.macroRecall);
    await runtime.dispose();
  }
  if (args.compareDtypes) {
    const agreement = comparePredictions(predictionsByDtype[0], predictionsByDtype[1]);
    console.log(
      `\nq8 vs fp32 on ${agreement.items} texts: macro recall ${recalls[1].toFixed(4)} vs ${recalls[0].toFixed(4)} (Δ ${(recalls[1] - recalls[0]).toFixed(4)}), ` +
        `same label ${(agreement.labelAgreement * 100).toFixed(2)} %, mean |Δp| ${agreement.meanAbsProbabilityDiff.toFixed(4)}, max |Δp| ${agreement.maxAbsProbabilityDiff.toFixed(4)}`,
    );
  }
};

const runQueued = async (args: Args): Promise<void> => {
  const query = new URLSearchParams({ dataset: args.dataset, split: args.split, sampling: args.sampling, seed: String(args.seed) });
  if (args.samples !== null) query.set('samples', String(args.samples));
  if (args.model) query.set('model_name', args.model);
  const apiKey = process.env['SENTIMENT_OPS_API_KEY'];
  const headers: Record<string, string> = apiKey ? { 'X-API-Key': apiKey } : {};
  const accepted = await fetch(`${args.gateway}/api/v1/evaluate?${query}`, { method: 'POST', headers });
  const body = (await accepted.json()) as { jobId?: string; statusUrl?: string; message?: string };
  if (accepted.status !== 202 || !body.statusUrl) {
    const hint = accepted.status === 401 || accepted.status === 403 ? ' (set SENTIMENT_OPS_API_KEY to an operator key)' : '';
    throw new Error(`the gateway answered ${accepted.status}: ${body.message ?? JSON.stringify(body)}${hint}`);
  }
  console.log(`queued evaluation ${body.jobId}`);
  for (;;) {
    await new Promise((done) => setTimeout(done, 1000));
    const run = (await (await fetch(`${args.gateway}${body.statusUrl}`, { headers })).json()) as EvaluationRun;
    process.stderr.write(`\r${run.status} ${(run.progress * 100).toFixed(0)}%   `);
    if (run.status === 'completed' && run.report) {
      process.stderr.write('\n');
      printReport(`${run.dataset}/${run.split} on ${run.resolvedModel} (${run.modelVersion}), run ${run.id}, ${((run.durationMs ?? 0) / 1000).toFixed(1)} s`, run.report);
      return;
    }
    if (run.status === 'failed' || run.status === 'cancelled') throw new Error(`evaluation ${run.status}: ${run.error ?? ''}`);
  }
};

const main = async (): Promise<void> => {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`evaluate: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  await (args.inline ? runInline(args) : runQueued(args));
};

main().catch((error: Error) => {
  console.error(`\nevaluate: ${error.message}`);
  process.exit(1);
});
