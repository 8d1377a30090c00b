import { Injectable } from '@nestjs/common';
import { countCodePoints, type Prediction, type SentimentResponseDto } from '@sentiment-ops/contracts';
import { InferenceClient } from '@sentiment-ops/inference-client';
import { GatewayTelemetry } from '../metrics/gateway-telemetry';

@Injectable()
export class SentimentService {
  constructor(
    private readonly inference: InferenceClient,
    private readonly telemetry: GatewayTelemetry,
  ) {}

  async analyse(text: string): Promise<SentimentResponseDto> {
    const [result] = await this.analyseMany([text]);
    return result;
  }

  /** Results in input order; metrics observe latency once per request and the rest per text. */
  async analyseMany(texts: string[]): Promise<SentimentResponseDto[]> {
    const started = performance.now();
    const response = await this.inference.predict(texts);
    const { sentiment } = this.telemetry;
    sentiment.predictionLatency.observe((performance.now() - started) / 1000);
    return response.predictions.map((prediction, index) => {
      const text = texts[index];
      sentiment.predictionsTotal.inc({ sentiment: prediction.label });
      sentiment.textLength.observe(countCodePoints(text));
      sentiment.confidence.observe(prediction.confidence);
      return toResponse(text, prediction);
    });
  }
}

const toResponse = (text: string, prediction: Prediction): SentimentResponseDto => ({
  text,
  sentiment: prediction.label,
  confidence: prediction.confidence,
  probabilities: {
    negative: prediction.probabilities.negative,
    neutral: prediction.probabilities.neutral,
    positive: prediction.probabilities.positive,
  },
});
