/**
 * Serving defaults chosen by measurement (`npm run bench -- --sweep`, docs/benchmarks.md). The
 * inference config uses them as env defaults and the benchmark's ceiling uses them too, so the
 * ceiling measures the runtime exactly as it is served.
 */
export const RUNTIME_DEFAULTS = {
  /** Rows per padded ONNX run: sorted by length, small runs waste little padding. */
  subBatchSize: 8,
  /**
   * Rows × padded length per ONNX run. onnxruntime-node runs a session synchronously on the JS
   * thread, so one run blocks the replica's event loop (Redis reads, replies, heartbeats); this
   * bounds a run to about 1 s of roberta-base fp32 on 2 cores, far below the RPC visibility timeout.
   */
  subBatchTokens: 1024,
  interOpThreads: 1,
  graphOptimizationLevel: 'all' as 'disabled' | 'basic' | 'extended' | 'all',
  /** Off: inference RSS about 200 MB lower with the base q8 model, same throughput. */
  cpuMemArena: false,
  /** Off: 5-8 % slower on idle dedicated cores, about 40 % faster beside one busy process. */
  allowSpinning: false,
  /** No measured gain at concurrency 8-32 (clients take longer than the wait to come back). */
  batchWaitMs: 0,
} as const;
