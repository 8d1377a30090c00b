import { Inject, Injectable, Logger } from '@nestjs/common';
import { join, resolve } from 'node:path';
import type { FineTuneJobData, SentimentLabel } from '@sentiment-ops/contracts';
import { getDataset, isDatasetError, sampleRows, type DatasetSource } from '@sentiment-ops/datasets';
import { fineTuneLiteModel, LITE_MODEL_TYPE, LITE_ONNX_FILE, liteFineTuneInfo, LiteModelError, stratifiedHoldout, writeLiteModelFolder } from '@sentiment-ops/lite-model';
import { BUILT_IN_MODEL_REGISTRY, fineTuneTransformerHead, hashFile, ModelRuntimeError, readModelType, resolveModelSpec } from '@sentiment-ops/model-runtime';
import { TrainingRecorder } from '@sentiment-ops/training-records';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker.config';
import { PermanentEvaluationError } from '../evaluation/evaluate-dataset.service';
import { DATASET_SOURCE } from '../evaluation/dataset-source.provider';

/**
 * One fine-tuning job: the base lite model's featurizer stays frozen, a new head is trained on a
 * seeded sample of the split (early stopping on a held-out part; the dataset's test split is only
 * reported), the model is written to FINETUNED_MODELS_DIR/<name>-<run> and registered as a new version.
 */
@Injectable()
export class FineTuneService {
  private readonly logger = new Logger(FineTuneService.name);

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(DATASET_SOURCE) private readonly source: DatasetSource,
  ) {}

  async run(data: FineTuneJobData): Promise<string> {
    const started = performance.now();
    const outDir = resolve(this.config.fineTune.modelsDir, data.outputName, data.runId);
    const recorder = await TrainingRecorder.open(
      { kind: 'fine-tune', dataset: data.dataset, split: data.split, baseModel: data.base, parameters: { samples: data.samples, holdout: data.holdout, seed: data.seed }, outDir: join(this.config.fineTune.modelsDir, data.outputName) },
      { databaseUrl: this.config.databaseUrl, mlflow: this.config.mlflow, runId: data.runId, log: (line) => this.logger.log(line) },
    );
    try {
      // Built-in names (sentiment-lite) map to their folders; the gateway already resolved registry references.
      const base = resolveModelSpec(data.baseFolder, BUILT_IN_MODEL_REGISTRY, { defaultDtype: 'fp32' });
      if (base.kind !== 'local') throw new PermanentEvaluationError(`fine-tuning needs a local model folder, not ${data.base} (pull hub models first)`);
      const dataset = getDataset(data.dataset);
      const sample = await sampleRows(this.source, dataset.name, data.split, { strategy: 'random', samples: data.samples, seed: data.seed, maxSamples: this.config.fineTune.maxSamples });
      const { train, holdout } = stratifiedHoldout(sample.rows.map(({ text, label }) => ({ text, label })), data.holdout, data.seed);
      if (readModelType(base.location) !== LITE_MODEL_TYPE) return await this.fineTuneTransformer(data, base.location, outDir, train, holdout, recorder);
      const testSplit = dataset.splits.includes('test') && data.split !== 'test' ? 'test' : null;
      const result = await fineTuneLiteModel({
        baseFolder: base.location,
        train,
        holdout,
        seed: data.seed,
        test: testSplit ? () => this.source.rows(dataset.name, testSplit) : undefined,
        onEpoch: (e) => recorder.epoch(e.epoch, { loss: e.trainLoss, holdoutAccuracy: e.validation.accuracy, holdoutMacroF1: e.validation.macroF1 }),
      });
      const trainingSeconds = (performance.now() - started) / 1000;
      writeLiteModelFolder(
        outDir,
        result.classifier,
        liteFineTuneInfo(result, { baseFolder: base.location, dataset: dataset.name, split: data.split, samples: data.samples, holdout: data.holdout, testSplit, trainingSeconds }),
      );
      const registered = await recorder.complete({
        finalMetrics: { holdoutBefore: result.before.holdout, holdoutAfter: result.after.holdout, testBefore: result.before.test, testAfter: result.after.test },
        contentVersion: await hashFile(join(outDir, LITE_ONNX_FILE)),
        uri: outDir,
      });
      this.logger.log(`fine-tune ${data.runId}: ${data.base} on ${dataset.name}/${data.split} → ${registered ?? outDir} in ${trainingSeconds.toFixed(1)} s`);
      return registered ?? outDir;
    } catch (error) {
      await recorder.fail(error as Error);
      if (error instanceof ModelRuntimeError) throw new PermanentEvaluationError(error.message);
      // Bad data or a base that is not a lite model will fail the same way again.
      if (isDatasetError(error) || error instanceof LiteModelError) throw new PermanentEvaluationError((error as Error).message);
      throw error;
    }
  }

  /** Transformer bases: frozen encoder, new classification head (fp32 output; held-out scores only). */
  private async fineTuneTransformer(data: FineTuneJobData, baseFolder: string, outDir: string, train: LabelledText[], holdout: LabelledText[], recorder: TrainingRecorder): Promise<string> {
    const result = await fineTuneTransformerHead({
      baseFolder,
      train,
      holdout,
      outDir,
      seed: data.seed,
      onEpoch: (e) => recorder.epoch(e.epoch, { loss: e.trainLoss, holdoutAccuracy: e.holdoutAccuracy, holdoutMacroF1: e.holdoutMacroF1 }),
    });
    const scores = (s: { holdoutAccuracy: number; holdoutMacroF1: number }) => ({ accuracy: s.holdoutAccuracy, macroF1: s.holdoutMacroF1 });
    const registered = await recorder.complete({
      finalMetrics: { holdoutBefore: scores(result.before), holdoutAfter: scores(result.after) },
      contentVersion: await hashFile(join(outDir, 'onnx/model.onnx')),
      uri: outDir,
    });
    this.logger.log(`fine-tune ${data.runId}: new head for ${data.base} → ${registered ?? outDir} (${result.note})`);
    return registered ?? outDir;
  }
}

type LabelledText = { text: string; label: SentimentLabel };
