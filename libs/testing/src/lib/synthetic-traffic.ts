import type { SentimentLabel } from '@sentiment-ops/contracts';
import { seededRandom } from '@sentiment-ops/datasets';

/** How a window of synthetic live predictions is distributed. */
export interface TrafficShape {
  /** Shares of negative, neutral, positive predictions. */
  labelShares: [number, number, number];
  /** Confidence uniform in [low, high]. */
  confidence: [number, number];
  /** Text length (code points) uniform in [low, high]. */
  textLength: [number, number];
}

export const BASELINE_TRAFFIC: TrafficShape = { labelShares: [1 / 3, 1 / 3, 1 / 3], confidence: [0.6, 0.95], textLength: [20, 140] };

export interface SyntheticPrediction {
  createdAt: Date;
  model: string;
  modelVersion: string;
  textLength: number;
  label: SentimentLabel;
  confidence: number;
  probabilities: Record<SentimentLabel, number>;
  text: null;
}

/**
 * Reproducible prediction-log rows spread evenly over [from, to): the predicted label has the
 * confidence, the other two classes share the rest, as a softmax over three classes would.
 */
export const syntheticTraffic = (rows: number, shape: TrafficShape, window: { from: Date; to: Date }, seed: number, model = 'sentiment-lite'): SyntheticPrediction[] => {
  const next = seededRandom(seed);
  const span = window.to.getTime() - window.from.getTime();
  return Array.from({ length: rows }, (_, index) => {
    const u = next();
    const label: SentimentLabel = u < shape.labelShares[0] ? 'negative' : u < shape.labelShares[0] + shape.labelShares[1] ? 'neutral' : 'positive';
    const confidence = shape.confidence[0] + next() * (shape.confidence[1] - shape.confidence[0]);
    const rest = (1 - confidence) / 2;
    return {
      createdAt: new Date(window.from.getTime() + Math.floor((index * span) / rows)),
      model,
      modelVersion: 'synthetic',
      textLength: Math.round(shape.textLength[0] + next() * (shape.textLength[1] - shape.textLength[0])),
      label,
      confidence,
      probabilities: { negative: label === 'negative' ? confidence : rest, neutral: label === 'neutral' ? confidence : rest, positive: label === 'positive' ? confidence : rest },
      text: null,
    };
  });
};
