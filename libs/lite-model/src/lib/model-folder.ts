import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isSentimentLabel, SENTIMENT_LABELS, type ClassificationReport, type SentimentLabel } from '@sentiment-ops/contracts';
import { parseFeaturizerSettings, type FeaturizerSettings } from './featurizer-settings';
import type { LiteClassifier } from './lite-classifier';
import { LiteModelError } from './lite-model.errors';
import { encodeLiteOnnxModel } from './onnx-export';

export const LITE_MODEL_TYPE = 'sentiment-lite';
export const LITE_ARCHITECTURE = 'SentimentLiteClassifier';
export const LITE_CONFIG_FILE = 'config.json';
export const LITE_ONNX_FILE = 'onnx/model.onnx';

/** How the weights were made; written by the trainer CLI, informative only (the runtime ignores it). */
export interface LiteTrainingInfo {
  dataset: string;
  split: string;
  validation_split: string;
  test_split: string | null;
  rows: { train: number; validation: number; test: number | null };
  /** Epochs run, and the one whose weights were kept. */
  epochs: number;
  best_epoch: number;
  seed: number;
  hyper_parameters: Record<string, unknown>;
  class_weights: Record<SentimentLabel, number>;
  validation_metrics: ClassificationReport;
  test_metrics: ClassificationReport | null;
  training_seconds: number;
  trained_at: string;
}

/** Scores of one split under one model (a compact report: this lib cannot use @sentiment-ops/evaluation). */
export interface LiteSplitScores {
  samples: number;
  accuracy: number;
  macroRecall: number;
  macroF1: number;
  /** rows = true label, columns = predicted label, in the model's label order. */
  confusionMatrix: number[][];
}

/** Scores of the held-out part of the training split and of the test split (null when none was given). */
export interface LiteFineTuneMetrics {
  holdout: LiteSplitScores;
  test: LiteSplitScores | null;
}

/** How a fine-tuned model was made from a base model; written by the fine-tuning CLI, informative only. */
export interface LiteFineTuneInfo {
  /** The frozen base model: its folder (as given) and content version (sha256 of onnx/model.onnx, 12 hex, as served). */
  fine_tuned_from: { folder: string; model_type: string; version: string };
  /** `head`: only the softmax-regression weights were trained; the featurizer is the base's, unchanged. */
  method: 'head';
  dataset: string;
  split: string;
  /** Rows sampled from `split` (before the held-out part was taken out); null = all. */
  samples: number | null;
  /** Fraction of the sample held out (stratified) for early stopping and the held-out metrics. */
  holdout: number;
  /** Only reported (metrics.*.test), never used for training or selection; null = not evaluated. */
  test_split: string | null;
  rows: { train: number; holdout: number; test: number | null };
  seed: number;
  epochs: number;
  best_epoch: number;
  selection_metric: string;
  hyper_parameters: Record<string, unknown>;
  class_weights: Record<SentimentLabel, number>;
  metrics: { before: LiteFineTuneMetrics; after: LiteFineTuneMetrics };
  training_seconds: number;
  trained_at: string;
}

export interface LiteModelConfig {
  model_type: typeof LITE_MODEL_TYPE;
  architectures: string[];
  id2label: Record<string, SentimentLabel>;
  label2id: Record<SentimentLabel, number>;
  featurizer: FeaturizerSettings;
  training?: LiteTrainingInfo | LiteFineTuneInfo;
}

/** A validated model folder. */
export interface LiteModelFolder {
  folder: string;
  config: LiteModelConfig;
  /** Class order of the model's outputs, from id2label. */
  labels: SentimentLabel[];
  onnxPath: string;
}

export const liteModelConfig = (classifier: LiteClassifier, training?: LiteTrainingInfo | LiteFineTuneInfo): LiteModelConfig => ({
  model_type: LITE_MODEL_TYPE,
  architectures: [LITE_ARCHITECTURE],
  id2label: Object.fromEntries(classifier.labels.map((label, id) => [String(id), label])),
  label2id: Object.fromEntries(classifier.labels.map((label, id) => [label, id])) as Record<SentimentLabel, number>,
  featurizer: classifier.featurizer.settings,
  ...(training ? { training } : {}),
});

/** Writes config.json and onnx/model.onnx; returns the ONNX file's size in bytes. */
export const writeLiteModelFolder = (folder: string, classifier: LiteClassifier, training?: LiteTrainingInfo | LiteFineTuneInfo): { onnxBytes: number } => {
  mkdirSync(join(folder, 'onnx'), { recursive: true });
  const onnx = encodeLiteOnnxModel(classifier, { model_type: LITE_MODEL_TYPE });
  writeFileSync(join(folder, LITE_ONNX_FILE), onnx);
  writeFileSync(join(folder, LITE_CONFIG_FILE), `${JSON.stringify(liteModelConfig(classifier, training), null, 2)}\n`);
  return { onnxBytes: onnx.byteLength };
};

const invalid = (folder: string, message: string, cause?: unknown) =>
  new LiteModelError('INVALID_MODEL', `${join(folder, LITE_CONFIG_FILE)}: ${message}`, { cause });

/** id2label → labels in id order; each sentiment label exactly once, ids 0..n-1. */
const labelsOf = (folder: string, id2label: unknown): SentimentLabel[] => {
  if (typeof id2label !== 'object' || id2label === null) throw invalid(folder, 'id2label is missing');
  const entries = Object.entries(id2label as Record<string, unknown>);
  const labels: SentimentLabel[] = [];
  for (let id = 0; id < entries.length; id++) {
    const label = (id2label as Record<string, unknown>)[String(id)];
    if (!isSentimentLabel(label)) throw invalid(folder, `id2label["${id}"] must be one of ${SENTIMENT_LABELS.join(', ')}, got ${JSON.stringify(label)}`);
    labels.push(label);
  }
  if (labels.length !== SENTIMENT_LABELS.length || new Set(labels).size !== labels.length) {
    throw invalid(folder, `id2label must map 0..${SENTIMENT_LABELS.length - 1} to ${SENTIMENT_LABELS.join(', ')} once each, got ${JSON.stringify(id2label)}`);
  }
  return labels;
};

/**
 * Checks a sentiment-lite folder before anything is loaded; every problem names the file
 * (config.json, onnx/model.onnx) and what is wrong with it.
 */
export const readLiteModelFolder = (folder: string): LiteModelFolder => {
  const root = resolve(folder);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new LiteModelError('MODEL_NOT_FOUND', `model folder ${root} does not exist`);
  const configPath = join(root, LITE_CONFIG_FILE);
  const onnxPath = join(root, LITE_ONNX_FILE);
  for (const [name, path] of [[LITE_CONFIG_FILE, configPath], [LITE_ONNX_FILE, onnxPath]]) {
    if (!existsSync(path) || !statSync(path).isFile()) throw new LiteModelError('INVALID_MODEL', `model folder ${root} has no ${name} (expected ${path})`);
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw invalid(root, `is not valid JSON (${(error as Error).message})`, error);
  }
  if (raw['model_type'] !== LITE_MODEL_TYPE) throw invalid(root, `model_type must be "${LITE_MODEL_TYPE}", got ${JSON.stringify(raw['model_type'])}`);
  const labels = labelsOf(root, raw['id2label']);
  let featurizer: FeaturizerSettings;
  try {
    featurizer = parseFeaturizerSettings(raw['featurizer']);
  } catch (error) {
    throw invalid(root, `featurizer settings are invalid: ${(error as Error).message}`, error);
  }
  const config = { ...raw, featurizer } as unknown as LiteModelConfig;
  return { folder: root, config, labels, onnxPath };
};
