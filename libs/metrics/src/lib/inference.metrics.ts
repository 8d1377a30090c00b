import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export const INFERENCE_METRIC = {
  itemsTotal: 'inference_items_total',
  requestsTotal: 'inference_requests_total',
  batchSize: 'inference_batch_size',
  subBatchSize: 'inference_sub_batch_size',
  queueSeconds: 'inference_queue_seconds',
  computeSeconds: 'inference_compute_seconds',
  expiredTotal: 'inference_expired_requests_total',
  modelLoadSeconds: 'inference_model_load_seconds',
  modelInfo: 'inference_model_info',
} as const;

const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
const SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface InferenceMetrics {
  /** Texts this replica ran through the model: replicas' counters sum to the work done. */
  itemsTotal: Counter<'model' | 'lane'>;
  requestsTotal: Counter<'lane' | 'outcome'>;
  /** Items per model run (all requests of one read, across sub-batches). */
  batchSize: Histogram;
  /** Rows per padded ONNX run. */
  subBatchSize: Histogram;
  /** From the gateway's XADD to the start of compute. */
  queueSeconds: Histogram<'lane'>;
  computeSeconds: Histogram<'model'>;
  expiredTotal: Counter<'lane'>;
  modelLoadSeconds: Gauge<'model'>;
  modelInfo: Gauge<'model' | 'source' | 'version' | 'dtype' | 'replica'>;
}

export const createInferenceMetrics = (registry: Registry): InferenceMetrics => ({
  itemsTotal: new Counter({ name: INFERENCE_METRIC.itemsTotal, help: 'Texts computed by this replica', labelNames: ['model', 'lane'], registers: [registry] }),
  requestsTotal: new Counter({ name: INFERENCE_METRIC.requestsTotal, help: 'RPC requests handled by this replica by lane and outcome', labelNames: ['lane', 'outcome'], registers: [registry] }),
  batchSize: new Histogram({ name: INFERENCE_METRIC.batchSize, help: 'Items per dynamic batch', buckets: BATCH_BUCKETS, registers: [registry] }),
  subBatchSize: new Histogram({ name: INFERENCE_METRIC.subBatchSize, help: 'Rows per padded model run', buckets: BATCH_BUCKETS, registers: [registry] }),
  queueSeconds: new Histogram({ name: INFERENCE_METRIC.queueSeconds, help: 'Time a request waited in the stream before compute', labelNames: ['lane'], buckets: SECONDS_BUCKETS, registers: [registry] }),
  computeSeconds: new Histogram({ name: INFERENCE_METRIC.computeSeconds, help: 'Model compute time per dynamic batch', labelNames: ['model'], buckets: SECONDS_BUCKETS, registers: [registry] }),
  expiredTotal: new Counter({ name: INFERENCE_METRIC.expiredTotal, help: 'Requests dropped because their deadline had passed', labelNames: ['lane'], registers: [registry] }),
  modelLoadSeconds: new Gauge({ name: INFERENCE_METRIC.modelLoadSeconds, help: 'Seconds the model took to load', labelNames: ['model'], registers: [registry] }),
  modelInfo: new Gauge({ name: INFERENCE_METRIC.modelInfo, help: 'Loaded model (value 1)', labelNames: ['model', 'source', 'version', 'dtype', 'replica'], registers: [registry] }),
});
