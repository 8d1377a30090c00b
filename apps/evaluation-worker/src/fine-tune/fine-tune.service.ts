import { Inject, Injectable, Logger } from '@nestjs/common';
import { join, resolve } from 'node:path';
import type { FineTuneJobData } from '@sentiment-ops/contracts';
import { getDataset, isDatasetError, sampleRows, type DatasetSource } from '@sentiment-ops/datasets';
import { fineTuneLiteModel, LITE_ONNX_FILE, liteFineTuneInfo, LiteModelError, stratifiedHoldout, writeLiteModelFolder } from '@sentiment-ops/lite-model';
import { BUILT_IN_MODEL_REGISTRY, hashFile, resolveModelSpec } from '@sentiment-ops/model-runtime';
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
      if (base.kind !== 'local') throw new PermanentEvaluationError(`fine-tuning needs a local sentiment-lite model folder, not ${data.base}`);
      const dataset = getDataset(data.dataset);
      const sample = await sampleRows(this.source, dataset.name, data.split, { strategy: 'random', samples: data.samples, seed: data.seed, maxSamples: this.config.fineTune.maxSamples });
      const { train, holdout } = stratifiedHoldout(sample.rows.map(({ text, label }) => ({ text, label })), data.holdout, data.seed);
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
      // Bad data or a base that is not a lite model will fail the same way again.
      if (isDatasetError(error) || error instanceof LiteModelError) throw new PermanentEvaluationError((error as Error).message);
      throw error;
    }
  }
}
