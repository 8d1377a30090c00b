import type { Provider } from '@nestjs/common';
import { HubDatasetSource, LocalDatasetSource, type DatasetSource } from '@sentiment-ops/datasets';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker.config';

export const DATASET_SOURCE = Symbol('DATASET_SOURCE');

/** Local JSONL folders when DATASETS_DIR is set (air-gapped machines), the hub's datasets-server otherwise. */
export const datasetSourceProvider: Provider = {
  provide: DATASET_SOURCE,
  inject: [WORKER_CONFIG],
  useFactory: ({ datasets }: WorkerConfig): DatasetSource => {
    if (datasets.dir) return new LocalDatasetSource({ datasetsDir: datasets.dir });
    if (datasets.offline) throw new Error('HF_HUB_OFFLINE=1 needs DATASETS_DIR: the hub datasets source would use the network');
    return new HubDatasetSource({ endpoint: datasets.hubEndpoint, cacheDir: datasets.cacheDir });
  },
};
