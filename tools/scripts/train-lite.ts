/**
 * `npm run train:lite -- --dataset tweet_eval --split train [--validation validation] [--test test|none]
 *    [--out models/sentiment-lite] [--seed N] [--epochs N] [--buckets N]`
 *   Trains the sentiment-lite model (hashed n-grams + softmax regression) on DATASETS_DIR (default
 *   ../shared/data next to the repo), early-stops on the validation split, writes config.json and
 *   onnx/model.onnx, and checks the ONNX file against the TypeScript model.
 */
import { statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { SENTIMENT_LABELS, type ClassificationReport, type SentimentLabel } from '@sentiment-ops/contracts';
import { DatasetError, DatasetErrorCode, getDataset, LocalDatasetSource, type LabelledRow } from '@sentiment-ops/datasets';
import { classificationReport, ConfusionMatrix } from '@sentiment-ops/evaluation';
import {
  DEFAULT_FEATURIZER_SETTINGS,
  DEFAULT_HYPER_PARAMETERS,
  LITE_CONFIG_FILE,
  LITE_ONNX_FILE,
  LiteModelRuntime,
  trainLiteClassifier,
  writeLiteModelFolder,
  type FeaturizerSettings,
  type LiteClassifier,
  type LiteTrainingInfo,
  type TrainerHyperParameters,
} from '@sentiment-ops/lite-model';
import { hashFile } from '@sentiment-ops/model-runtime';
import { TrainingRecorder } from '@sentiment-ops/training-records';
import { parseOptions, UsageError } from './cli-options';
import { recordingTargetsFromEnv } from './recording-targets';

const USAGE =
  'usage: npm run train:lite -- --dataset tweet_eval --split train [--validation validation] [--test test|none] [--out models/sentiment-lite] [--seed N] [--epochs N] [--buckets N]';
const REPO_ROOT = resolve(__dirname, '../..');

interface Args {
  dataset: string;
  split: string;
  validation: string;
  test: string | null;
  out: string;
  seed: number;
  epochs: number;
  buckets: number;
}

const parseArgs = (argv: string[]): Args => {
  const { values, integer } = parseOptions(argv, ['dataset', 'split', 'validation', 'test', 'out', 'seed', 'epochs', 'buckets']);
  const buckets = integer('buckets', 2, 2 ** 24, DEFAULT_FEATURIZER_SETTINGS.buckets);
  if (!Number.isInteger(Math.log2(buckets))) throw new UsageError('--buckets must be a power of two (e.g. 262144, 524288, 1048576)');
  if (!values['dataset'] || !values['split']) throw new UsageError('--dataset and --split are required');
  try {
    getDataset(values['dataset']);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    dataset: values['dataset'],
    split: values['split'],
    validation: values['validation'] ?? 'validation',
    test: values['test'] === 'none' ? null : (values['test'] ?? 'test'),
    out: resolve(values['out'] ?? join(REPO_ROOT, 'models/sentiment-lite')),
    seed: integer('seed', 0, 2 ** 32 - 1, DEFAULT_HYPER_PARAMETERS.seed),
    epochs: integer('epochs', 1, 100, DEFAULT_HYPER_PARAMETERS.epochs),
    buckets,
  };
};

const readSplit = async (source: LocalDatasetSource, dataset: string, split: string): Promise<LabelledRow[]> => {
  const rows: LabelledRow[] = [];
  let invalid = 0;
  for await (const row of source.rows(dataset, split, { onInvalidRow: () => (invalid += 1) })) rows.push(row);
  const counts = SENTIMENT_LABELS.map((label) => `${label} ${rows.filter((r) => r.label === label).length}`).join(' / ');
  console.log(`  ${split}: ${rows.length} rows (${counts})${invalid ? `, ${invalid} invalid rows skipped` : ''}`);
  return rows;
};

const reportOn = (classifier: LiteClassifier, rows: readonly LabelledRow[]): ClassificationReport => {
  const matrix = new ConfusionMatrix();
  matrix.addMany(
    rows.map((row) => row.label),
    classifier.predictLabels(rows.map((row) => row.text)),
  );
  return classificationReport(matrix);
};

const printReport = (title: string, report: ClassificationReport): void => {
  const f = (value: number) => value.toFixed(4);
  console.log(`\n${title}: samples ${report.samples}   accuracy ${f(report.accuracy)}   macro recall ${f(report.macroRecall)}   macro F1 ${f(report.macroF1)}`);
  console.log('  class       precision  recall     f1         support');
  for (const label of SENTIMENT_LABELS) {
    const m = report.perClass[label];
    console.log(`  ${label.padEnd(12)}${f(m.precision).padEnd(11)}${f(m.recall).padEnd(11)}${f(m.f1).padEnd(11)}${m.support}`);
  }
  console.log(`  confusion (rows true, columns predicted neg/neu/pos): ${JSON.stringify(report.confusionMatrix)}`);
};

/** README.md of the model folder: what it is and how it scored, regenerated on every training. */
const modelCard = (info: LiteTrainingInfo, settings: FeaturizerSettings, onnxBytes: number): string => {
  const { buckets, maxFeatures, wordNgrams, charNgrams } = settings;
  const chars = charNgrams ? ` and character ${charNgrams.join('–')}-grams inside \`<token>\`` : '';
  const line = (name: string, r: ClassificationReport | null) =>
    r ? `| ${name} | ${r.samples} | ${r.accuracy.toFixed(4)} | ${r.macroRecall.toFixed(4)} | ${r.macroF1.toFixed(4)} |` : '';
  return [
    '# sentiment-lite',
    '',
    'The project\'s own offline sentiment model (negative / neutral / positive), trained by',
    '`npm run train:lite` (tools/scripts/train-lite.ts, libs/lite-model). Served by `LiteModelRuntime`.',
    '',
    `- Features: tweet preprocessing (\`@user\`, \`http\`), lowercase, word ${wordNgrams.join('–')}-grams${chars},`,
    `  hashed (FNV-1a + fmix32) into ${buckets} buckets, sublinear TF, L2-normalised, at most ${maxFeatures} non-zeros per text.`,
    `  Settings: \`featurizer\` in config.json.`,
    `- Model: softmax regression [${buckets}, 3] + bias, class-balanced cross-entropy, lazy sparse Adam, early stopping on`,
    `  ${info.validation_split} macro recall (epoch ${info.best_epoch} of ${info.epochs} kept), seed ${info.seed}.`,
    `- Data: ${info.dataset} ${info.split} (${info.rows.train} rows). The test split is only reported, never used for selection.`,
    `- Files: config.json, onnx/model.onnx (${(onnxBytes / 2 ** 20).toFixed(2)} MiB; inputs \`indices\` int64 and \`values\` float [batch, k ≤ ${maxFeatures}],`,
    '  outputs `logits` and `probabilities` [batch, 3]).',
    '',
    '| split | rows | accuracy | macro recall | macro F1 |',
    '|---|---|---|---|---|',
    line(info.validation_split, info.validation_metrics),
    line(info.test_split ?? '', info.test_metrics),
    '',
    `Trained ${info.trained_at} in ${info.training_seconds} s. Macro recall is TweetEval's official metric`,
    '(published FastText / SVM baselines: 0.629 on test).',
    '',
  ]
    .filter((text, i, all) => text !== '' || all[i - 1] !== '')
    .join('\n');
};

/** ORT on the written file must give the TypeScript model's probabilities. */
const checkOnnx = async (folder: string, classifier: LiteClassifier, texts: readonly string[]): Promise<number> => {
  const runtime = await LiteModelRuntime.load(folder, { name: 'sentiment-lite' });
  try {
    const predictions = await runtime.predict(texts);
    const expected = classifier.predictProbabilities(texts);
    let maxDiff = 0;
    predictions.forEach((p, i) => classifier.labels.forEach((label, c) => (maxDiff = Math.max(maxDiff, Math.abs(p.probabilities[label] - expected[i][c])))));
    return maxDiff;
  } finally {
    await runtime.dispose();
  }
};

const main = async (args: Args): Promise<void> => {
  const started = performance.now();
  const datasetsDir = resolve(process.env['DATASETS_DIR'] ?? join(REPO_ROOT, '../shared/data'));
  const source = new LocalDatasetSource({ datasetsDir });
  const dataset = getDataset(args.dataset).name;
  console.log(`reading ${dataset} from ${datasetsDir}`);
  const train = await readSplit(source, dataset, args.split);
  const validation = await readSplit(source, dataset, args.validation);
  const test = args.test ? await readSplit(source, dataset, args.test) : null;

  const featurizer = { ...DEFAULT_FEATURIZER_SETTINGS, buckets: args.buckets };
  const hyperParameters = { ...DEFAULT_HYPER_PARAMETERS, seed: args.seed, epochs: args.epochs };
  console.log(`\ntraining: buckets ${featurizer.buckets}, K ${featurizer.maxFeatures}, ${JSON.stringify(hyperParameters)}`);
  const recorder = await TrainingRecorder.open({
    kind: 'train-lite',
    dataset,
    split: args.split,
    baseModel: null,
    parameters: { ...hyperParameters, buckets: featurizer.buckets, maxFeatures: featurizer.maxFeatures, validation: args.validation },
    outDir: args.out,
  }, recordingTargetsFromEnv());
  try {
    await trainAndWrite(args, { dataset, train, validation, test, featurizer, hyperParameters, started, recorder });
  } catch (error) {
    await recorder.fail(error as Error);
    throw error;
  }
};

interface TrainingInputs {
  dataset: string;
  train: LabelledRow[];
  validation: LabelledRow[];
  test: LabelledRow[] | null;
  featurizer: FeaturizerSettings;
  hyperParameters: TrainerHyperParameters;
  started: number;
  recorder: TrainingRecorder;
}

const trainAndWrite = async (args: Args, { dataset, train, validation, test, featurizer, hyperParameters, started, recorder }: TrainingInputs): Promise<void> => {
  const result = trainLiteClassifier(train, validation, {
    featurizer,
    hyperParameters,
    onEpoch: (e) => {
      recorder.epoch(e.epoch, { loss: e.trainLoss, validationAccuracy: e.validation.accuracy, validationMacroRecall: e.validation.macroRecall });
      console.log(
        `  epoch ${e.epoch}/${hyperParameters.epochs}  loss ${e.trainLoss.toFixed(4)}  validation accuracy ${e.validation.accuracy.toFixed(4)}  macro recall ${e.validation.macroRecall.toFixed(4)}${e.improved ? ' *' : ''}  (${e.seconds.toFixed(1)} s)`,
      );
    },
  });
  const trainingSeconds = (performance.now() - started) / 1000;
  console.log(`featurized in ${result.featurizeSeconds.toFixed(1)} s, trained in ${result.trainSeconds.toFixed(1)} s; kept epoch ${result.bestEpoch}`);

  const validationReport = reportOn(result.classifier, validation);
  printReport(`validation (${args.validation})`, validationReport);
  const testReport = test ? reportOn(result.classifier, test) : null;
  if (testReport) printReport(`test (${args.test}), reported only, never used for selection`, testReport);

  const training: LiteTrainingInfo = {
    dataset,
    split: args.split,
    validation_split: args.validation,
    test_split: args.test,
    rows: { train: train.length, validation: validation.length, test: test?.length ?? null },
    epochs: result.epochs.length,
    best_epoch: result.bestEpoch,
    seed: args.seed,
    hyper_parameters: { ...hyperParameters, optimizer: 'adam (lazy sparse updates)', loss: 'class-weighted cross-entropy' },
    class_weights: Object.fromEntries(SENTIMENT_LABELS.map((label, i) => [label, Number(result.classWeights[i].toFixed(6))])) as Record<SentimentLabel, number>,
    validation_metrics: validationReport,
    test_metrics: testReport,
    training_seconds: Number(trainingSeconds.toFixed(1)),
    trained_at: new Date().toISOString(),
  };
  const { onnxBytes } = writeLiteModelFolder(args.out, result.classifier, training);
  writeFileSync(join(args.out, 'README.md'), modelCard(training, result.classifier.featurizer.settings, onnxBytes));
  const configBytes = statSync(join(args.out, LITE_CONFIG_FILE)).size;
  const maxDiff = await checkOnnx(args.out, result.classifier, validation.slice(0, 512).map((row) => row.text));
  console.log(`\nwrote ${relative(process.cwd(), args.out) || '.'}: ${LITE_ONNX_FILE} ${(onnxBytes / 2 ** 20).toFixed(2)} MiB, ${LITE_CONFIG_FILE} ${(configBytes / 1024).toFixed(1)} KiB`);
  console.log(`onnxruntime check: max |Δp| vs TypeScript ${maxDiff.toExponential(2)} on ${Math.min(512, validation.length)} validation texts`);
  if (maxDiff > 1e-5) throw new Error(`the ONNX model disagrees with the TypeScript model (max |Δp| ${maxDiff})`);
  console.log(`training time ${trainingSeconds.toFixed(1)} s (featurize + train + reports), total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const registered = await recorder.complete({ finalMetrics: { validation: validationReport, test: testReport }, contentVersion: await hashFile(join(args.out, LITE_ONNX_FILE)) });
  if (registered) console.log(`registered ${registered} in the model registry`);
};

let args: Args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(`train-lite: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
main(args).catch((error: Error) => {
  if (error instanceof DatasetError && error.code === DatasetErrorCode.DatasetUnavailable) {
    console.error(`\ntrain-lite: no data: ${error.message}\nSet DATASETS_DIR to the folder holding tweeteval_sentiment/ (default: ../shared/data next to the repo).`);
  } else {
    console.error(`\ntrain-lite: ${error.message}`);
  }
  process.exit(1);
});
