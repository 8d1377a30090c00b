/**
 * `npm run finetune -- --base sentiment-lite --dataset mteb/amazon_reviews_multi --split train
 *    [--samples N] [--holdout 0.2] [--seed 42] [--epochs N] [--test test|none] [--out models/finetuned/<base>-<dataset>]`
 *   Fine-tunes the head of a served sentiment-lite model on a new domain (libs/lite-model
 *   fineTuneLiteModel): frozen featurizer, new softmax-regression weights initialised from the base,
 *   early stopping on a stratified held-out part of --split. The dataset's test split is only read
 *   afterwards, for the before/after report. Data from DATASETS_DIR (default ../shared/data next to the repo).
 *   The output is trained on the data's licence terms: keep it out of git (models/finetuned/ is ignored).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { DatasetError, DatasetErrorCode, getDataset, LocalDatasetSource, sampleRows } from '@sentiment-ops/datasets';
import {
  DEFAULT_FINE_TUNE_HYPER_PARAMETERS,
  fineTuneLiteModel,
  liteFineTuneInfo,
  LiteModelRuntime,
  stratifiedHoldout,
  writeLiteModelFolder,
  type LiteFineTuneInfo,
  type LiteSplitScores,
  LITE_MODEL_TYPE,
  LITE_ONNX_FILE,
} from '@sentiment-ops/lite-model';
import { fineTuneTransformerHead, hashFile, readModelType } from '@sentiment-ops/model-runtime';
import type { SentimentLabel } from '@sentiment-ops/contracts';
import { TrainingRecorder } from '@sentiment-ops/training-records';
import { parseOptions, UsageError } from './cli-options';
import { recordingTargetsFromEnv } from './recording-targets';

type LabelledText = { text: string; label: SentimentLabel };

const USAGE =
  'usage: npm run finetune -- --base sentiment-lite|<model folder> --dataset mteb/amazon_reviews_multi --split train [--samples N] [--holdout 0.2] [--seed 42] [--epochs N] [--test test|none] [--out folder]';
const REPO_ROOT = resolve(__dirname, '../..');

interface Args {
  base: string;
  baseFolder: string;
  dataset: string;
  split: string;
  samples: number | null;
  holdout: number;
  seed: number;
  epochs: number;
  test: string | null;
  out: string;
}

const parseArgs = (argv: string[]): Args => {
  const { values, integer } = parseOptions(argv, ['base', 'dataset', 'split', 'samples', 'holdout', 'seed', 'epochs', 'test', 'out']);
  if (!values['base'] || !values['dataset'] || !values['split']) throw new UsageError('--base, --dataset and --split are required');
  let dataset: string;
  try {
    dataset = getDataset(values['dataset']).name;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  // a bare name is a model of models/, anything else a folder
  const base = values['base'];
  const baseFolder = /^[\w.-]+$/.test(base) && existsSync(join(REPO_ROOT, 'models', base)) ? join(REPO_ROOT, 'models', base) : resolve(base);
  const holdout = values['holdout'] === undefined ? 0.2 : Number(values['holdout']);
  if (!(holdout > 0 && holdout < 1)) throw new UsageError('--holdout must be a fraction in (0, 1), e.g. 0.2');
  const datasetShort = (dataset.split('/').pop() ?? dataset).split('_')[0];
  return {
    base,
    baseFolder,
    dataset,
    split: values['split'],
    samples: values['samples'] === undefined ? null : integer('samples', 10, 10_000_000, 0),
    holdout,
    seed: integer('seed', 0, 2 ** 32 - 1, DEFAULT_FINE_TUNE_HYPER_PARAMETERS.seed),
    epochs: integer('epochs', 1, 100, DEFAULT_FINE_TUNE_HYPER_PARAMETERS.epochs),
    test: values['test'] === 'none' ? null : (values['test'] ?? 'test'),
    out: resolve(values['out'] ?? join(REPO_ROOT, 'models/finetuned', `${basename(baseFolder)}-${datasetShort}`)),
  };
};

const f = (value: number) => value.toFixed(4);
const row = (name: string, before: LiteSplitScores | null, after: LiteSplitScores | null): string =>
  before && after
    ? `  ${name.padEnd(22)}${String(after.samples).padEnd(8)}${f(before.accuracy)}  → ${f(after.accuracy)}   ${f(before.macroF1)}  → ${f(after.macroF1)} (${after.macroF1 >= before.macroF1 ? '+' : ''}${f(after.macroF1 - before.macroF1)})`
    : `  ${name.padEnd(22)}not evaluated`;

const modelCard = (info: LiteFineTuneInfo, args: Args, onnxBytes: number): string =>
  [
    `# ${basename(args.out)}`,
    '',
    `Fine-tuned from ${info.fine_tuned_from.folder} (version ${info.fine_tuned_from.version}) by \`npm run finetune\` (tools/scripts/finetune.ts):`,
    `frozen featurizer, new softmax-regression head initialised from the base, trained on ${info.dataset} ${info.split}`,
    `(${info.rows.train} rows; ${info.rows.holdout} held out, stratified, for early stopping on macro F1; seed ${info.seed}).`,
    `The test split (${info.test_split ?? 'none'}) was only reported. onnx/model.onnx ${(onnxBytes / 2 ** 20).toFixed(2)} MiB.`,
    '',
    '**Trained on licensed data (see the dataset README): internal evaluation only, do not commit or ship.**',
    '',
    '| split | rows | accuracy before | accuracy after | macro F1 before | macro F1 after |',
    '|---|---|---|---|---|---|',
    ...(['holdout', 'test'] as const).flatMap((split) => {
      const before = info.metrics.before[split];
      const after = info.metrics.after[split];
      return before && after ? [`| ${split} | ${after.samples} | ${f(before.accuracy)} | ${f(after.accuracy)} | ${f(before.macroF1)} | ${f(after.macroF1)} |`] : [];
    }),
    '',
  ].join('\n');

const main = async (args: Args): Promise<void> => {
  const started = performance.now();
  const datasetsDir = resolve(process.env['DATASETS_DIR'] ?? join(REPO_ROOT, '../shared/data'));
  const source = new LocalDatasetSource({ datasetsDir });
  console.log(`base ${args.baseFolder}; reading ${args.dataset} ${args.split} from ${datasetsDir}`);
  const sample = await sampleRows(source, args.dataset, args.split, { strategy: 'random', samples: args.samples, seed: args.seed, maxSamples: Number.MAX_SAFE_INTEGER });
  const rows = sample.rows.map(({ text, label }) => ({ text, label }));
  const { train, holdout } = stratifiedHoldout(rows, args.holdout, args.seed);
  console.log(`  ${rows.length} of ${sample.total} rows${sample.skippedInvalid ? ` (${sample.skippedInvalid} invalid skipped)` : ''}: train ${train.length}, held-out ${holdout.length}`);

  const testSplit = args.test;
  const recorder = await TrainingRecorder.open({
    kind: 'fine-tune',
    dataset: args.dataset,
    split: args.split,
    baseModel: args.base,
    parameters: { samples: args.samples, holdout: args.holdout, seed: args.seed, epochs: args.epochs },
    outDir: args.out,
  }, recordingTargetsFromEnv());
  try {
    // A transformer base (any model folder that is not sentiment-lite) gets a new classification head.
    if (readModelType(args.baseFolder) !== LITE_MODEL_TYPE) await fineTuneTransformer(args, { train, holdout, recorder });
    else await fineTuneAndWrite(args, { train, holdout, testSplit, source, started, recorder });
  } catch (error) {
    await recorder.fail(error as Error);
    throw error;
  }
};

/** Frozen encoder, new head; the result is fp32 only (re-quantize for q8). */
const fineTuneTransformer = async (args: Args, { train, holdout, recorder }: Pick<FineTuneInputs, 'train' | 'holdout' | 'recorder'>): Promise<void> => {
  const result = await fineTuneTransformerHead({
    baseFolder: args.baseFolder,
    train,
    holdout,
    outDir: args.out,
    seed: args.seed,
    onEpoch: (e) => {
      recorder.epoch(e.epoch, { loss: e.trainLoss, holdoutAccuracy: e.holdoutAccuracy, holdoutMacroF1: e.holdoutMacroF1 });
      console.log(`  epoch ${e.epoch}  loss ${e.trainLoss.toFixed(4)}  held-out accuracy ${f(e.holdoutAccuracy)}  macro F1 ${f(e.holdoutMacroF1)}`);
    },
  });
  console.log(`\nheld-out macro F1 ${f(result.before.holdoutMacroF1)} → ${f(result.after.holdoutMacroF1)}, accuracy ${f(result.before.holdoutAccuracy)} → ${f(result.after.holdoutAccuracy)} (kept epoch ${result.bestEpoch})`);
  console.log(`wrote ${relative(process.cwd(), args.out) || '.'} (fp32; ${result.note})`);
  const scores = (s: { holdoutAccuracy: number; holdoutMacroF1: number }) => ({ accuracy: s.holdoutAccuracy, macroF1: s.holdoutMacroF1 });
  const registered = await recorder.complete({
    finalMetrics: { holdoutBefore: scores(result.before), holdoutAfter: scores(result.after) },
    contentVersion: await hashFile(join(args.out, 'onnx/model.onnx')),
  });
  if (registered) console.log(`registered ${registered} in the model registry`);
};

interface FineTuneInputs {
  train: LabelledText[];
  holdout: LabelledText[];
  testSplit: string | null;
  source: LocalDatasetSource;
  started: number;
  recorder: TrainingRecorder;
}

const fineTuneAndWrite = async (args: Args, { train, holdout, testSplit, source, started, recorder }: FineTuneInputs): Promise<void> => {
  const result = await fineTuneLiteModel({
    baseFolder: args.baseFolder,
    train,
    holdout,
    seed: args.seed,
    hyperParameters: { epochs: args.epochs },
    // opened only after training and selection are over
    test: testSplit ? () => source.rows(args.dataset, testSplit) : undefined,
    onEpoch: (e) => {
      recorder.epoch(e.epoch, { loss: e.trainLoss, holdoutAccuracy: e.validation.accuracy, holdoutMacroF1: e.validation.macroF1 });
      console.log(
        `  epoch ${e.epoch}  loss ${e.trainLoss.toFixed(4)}  held-out accuracy ${f(e.validation.accuracy)}  macro F1 ${f(e.validation.macroF1)}${e.improved ? ' *' : ''}  (${e.seconds.toFixed(1)} s)`,
      );
    },
  });
  const trainingSeconds = (performance.now() - started) / 1000;
  console.log(`featurized in ${result.seconds.featurize.toFixed(1)} s, trained in ${result.seconds.train.toFixed(1)} s, evaluated in ${result.seconds.evaluate.toFixed(1)} s; kept epoch ${result.bestEpoch}`);

  console.log('\n  split                 rows    accuracy before → after   macro F1 before → after');
  console.log(row('held-out (train part)', result.before.holdout, result.after.holdout));
  console.log(row(`${testSplit ?? 'test'} (report only)`, result.before.test, result.after.test));

  const training = liteFineTuneInfo(result, {
    baseFolder: relative(REPO_ROOT, result.base.folder) || result.base.folder,
    dataset: args.dataset,
    split: args.split,
    samples: args.samples,
    holdout: args.holdout,
    testSplit,
    trainingSeconds,
  });
  const { onnxBytes } = writeLiteModelFolder(args.out, result.classifier, training);
  writeFileSync(join(args.out, 'README.md'), modelCard(training, args, onnxBytes));

  // onnxruntime on the written file must agree with the TypeScript head
  const texts = holdout.slice(0, 256).map((r) => r.text);
  const runtime = await LiteModelRuntime.load(args.out);
  try {
    const served = await runtime.predict(texts);
    const expected = result.classifier.predictProbabilities(texts);
    let maxDiff = 0;
    served.forEach((p, i) => result.classifier.labels.forEach((label, c) => (maxDiff = Math.max(maxDiff, Math.abs(p.probabilities[label] - expected[i][c])))));
    console.log(`\nwrote ${relative(process.cwd(), args.out) || '.'} (onnx ${(onnxBytes / 2 ** 20).toFixed(2)} MiB); onnxruntime max |Δp| ${maxDiff.toExponential(2)} on ${texts.length} texts`);
    if (maxDiff > 1e-5) throw new Error(`the ONNX model disagrees with the TypeScript model (max |Δp| ${maxDiff})`);
  } finally {
    await runtime.dispose();
  }
  console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const registered = await recorder.complete({
    finalMetrics: { holdoutBefore: result.before.holdout, holdoutAfter: result.after.holdout, testBefore: result.before.test, testAfter: result.after.test },
    contentVersion: await hashFile(join(args.out, LITE_ONNX_FILE)),
  });
  if (registered) console.log(`registered ${registered} in the model registry`);
};

let args: Args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(`finetune: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
main(args).catch((error: Error) => {
  if (error instanceof DatasetError && error.code === DatasetErrorCode.DatasetUnavailable) {
    console.error(`\nfinetune: no data: ${error.message}\nSet DATASETS_DIR to the folder holding the dataset (default: ../shared/data next to the repo).`);
  } else {
    console.error(`\nfinetune: ${error.message}`);
  }
  process.exit(1);
});
