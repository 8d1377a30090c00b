import type { ModelDescriptor, Prediction } from '@sentiment-ops/contracts';

/** Statistics of one `predict` call, for metrics. */
export interface PredictStats {
  items: number;
  subBatches: number[];
  tokens: number;
  computeMs: number;
}

/**
 * A loaded sentiment model. Implementations: transformer models through transformers.js
 * (this lib) and, later, models the project trains itself.
 */
export interface ModelRuntime {
  readonly descriptor: ModelDescriptor;
  /** Predictions in input order. Texts are preprocessed, truncated and batched internally. */
  predict(texts: readonly string[], onStats?: (stats: PredictStats) => void): Promise<Prediction[]>;
  dispose(): Promise<void>;
}
