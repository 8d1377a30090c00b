import type { Provider } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { DatasetError, DatasetErrorCode, HubDatasetSource, LocalDatasetSource, type DatasetSource } from '@sentiment-ops/datasets';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker.config';

export const DATASET_SOURCE = Symbol('DATASET_SOURCE');

/** Local JSONL folders when DATASETS_DIR is set (air-gapped machines), the hub's datasets-server otherwise. */
export const datasetSourceProvider: Provider = {
  provide: DATASET_SOURCE,
  inject: [WORKER_CONFIG],
  useFactory: ({ datasets }: WorkerConfig): DatasetSource => {
    if (datasets.dir) return new LocalDatasetSource({ datasetsDir: datasets.dir });
    if (datasets.offline) {
      // The worker still starts (predictions and other jobs do not need datasets); each evaluation fails clearly.
      new Logger('DatasetSource').warn('HF_HUB_OFFLINE=1 without DATASETS_DIR: evaluations will fail until DATASETS_DIR is set');
      return offlineWithoutData;
    }
    return new HubDatasetSource({ endpoint: datasets.hubEndpoint, cacheDir: datasets.cacheDir });
  },
};

const noData = (): never => {
  throw new DatasetError(DatasetErrorCode.DatasetUnavailable, 'no dataset source: HF_HUB_OFFLINE=1 forbids the hub and DATASETS_DIR is not set');
};

/** The source when nothing may be read: every call explains why. */
const offlineWithoutData: DatasetSource = {
  kind: 'local',
  splits: async () => noData(),
  size: async () => noData(),
  rows: () => ({
    [Symbol.asyncIterator]: () => ({ next: async () => noData() }),
  }),
};
