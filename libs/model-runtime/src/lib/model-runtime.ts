import type { ModelDescriptor, Prediction } from '@sentiment-ops/contracts';

/** Statistics of one `predict` call, for metrics. */
export interface PredictStats {
  items: number;
  subBatches: number[];
  tokens: number;
  computeMs: number;
  /** Part of computeMs spent preprocessing and tokenising, when the runtime measures it. */
  tokenizeMs?: number;
}

/** Receives one finished part of a `predict` call: its predictions and their indices into the call's texts. */
export type PartialPredictionsListener = (indices: readonly number[], predictions: readonly Prediction[]) => void;

/**
 * A loaded sentiment model. Implementations: transformer models through transformers.js
 * (this lib) and, later, models the project trains itself.
 */
export interface ModelRuntime {
  readonly descriptor: ModelDescriptor;
  /**
   * Predictions in input order. Texts are preprocessed, truncated and batched internally.
   * `onPartial`, when the runtime computes in several runs, receives each run's predictions as
   * soon as they exist (indices into `texts`), so callers can answer early.
   */
  predict(texts: readonly string[], onStats?: (stats: PredictStats) => void, onPartial?: PartialPredictionsListener): Promise<Prediction[]>;
  dispose(): Promise<void>;
}
