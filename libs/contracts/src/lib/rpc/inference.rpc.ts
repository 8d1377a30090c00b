import type { SentimentLabel, SentimentProbabilities } from '../sentiment/sentiment-label';

/**
 * RPC between the gateway / evaluation worker and the inference replicas.
 * WARNING: these strings are wire format (Redis stream keys and message patterns). Renaming one
 * strands requests queued under the old name: change them only with a migration.
 */
export const INFERENCE_SERVICE = 'inference';

export const InferencePattern = {
  Predict: 'inference.predict',
  Ping: 'inference.ping',
  ResolveModel: 'inference.resolve-model',
} as const;
export type InferencePattern = (typeof InferencePattern)[keyof typeof InferencePattern];

/** Priority lanes, highest first: replicas drain `live` before they read `bulk`. */
export const InferenceLane = {
  Live: 'live',
  Bulk: 'bulk',
} as const;
export type InferenceLane = (typeof InferenceLane)[keyof typeof InferenceLane];
export const INFERENCE_LANES: readonly InferenceLane[] = [InferenceLane.Live, InferenceLane.Bulk];

export interface PredictRequest {
  texts: string[];
  /** Registered model name, hub id or folder; the replica's default model when absent. */
  model?: string;
}

export interface Prediction {
  label: SentimentLabel;
  confidence: number;
  probabilities: SentimentProbabilities;
  /** Tokens fed to the model after truncation, special tokens included. */
  tokens: number;
}

export interface ModelDescriptor {
  /** The name clients use (registry name, hub id or folder). */
  name: string;
  /** Where the weights came from: a hub repo id or an absolute folder. */
  source: string;
  revision: string;
  dtype: string;
  /** Content hash of the ONNX file, so two replicas can be compared. */
  version: string;
  maxLength: number;
}

export interface PredictResponse {
  model: ModelDescriptor;
  predictions: Prediction[];
  replicaId: string;
}

export interface PingResponse {
  replicaId: string;
  model: ModelDescriptor;
  modelLoadedAt: string;
  uptimeSeconds: number;
}

/** Error codes an inference replica answers with (inside the RPC error payload). */
export const InferenceErrorCode = {
  InvalidRequest: 'INVALID_REQUEST',
  ModelNotFound: 'MODEL_NOT_FOUND',
  ModelLoadFailed: 'MODEL_LOAD_FAILED',
  InferenceFailed: 'INFERENCE_FAILED',
} as const;
export type InferenceErrorCode = (typeof InferenceErrorCode)[keyof typeof InferenceErrorCode];

export interface InferenceRpcError {
  code: InferenceErrorCode;
  message: string;
}

export const isInferenceRpcError = (value: unknown): value is InferenceRpcError =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as InferenceRpcError).code === 'string' &&
  (Object.values(InferenceErrorCode) as string[]).includes((value as InferenceRpcError).code);

/**
 * Pub/sub channel (under the Redis prefix) on which the gateway announces a model that is about to be
 * served (an alias moved): every replica loads it in the background, so the switch costs no load time.
 * WARNING: wire format.
 */
export const MODEL_PRELOAD_CHANNEL = 'inference:preload';

export interface ModelPreloadMessage {
  /** What replicas load: a folder, hub id or registered name. */
  model: string;
  /** Why, for logs (e.g. "sentiment-lite@production -> 3"). */
  reason: string;
}
