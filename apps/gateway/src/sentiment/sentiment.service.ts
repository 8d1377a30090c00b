import { Injectable } from '@nestjs/common';
import { countCodePoints, type ModelDescriptor, type Prediction, type SentimentResponseDto } from '@sentiment-ops/contracts';
import { InferenceClient, InferenceException, InferenceFailure } from '@sentiment-ops/inference-client';
import { LiveLaneBudget } from '../backpressure/live-lane-budget';
import { fieldError } from '../common/request-validation';
import { GatewayTelemetry } from '../metrics/gateway-telemetry';
import { ModelReferenceResolver } from '../models/model-reference.resolver';
import { PredictionLogWriter } from '../prediction-log/prediction-log.writer';

export interface AnalysedTexts {
  results: SentimentResponseDto[];
  /** The model that answered (name and content version). */
  model: ModelDescriptor;
}

@Injectable()
export class SentimentService {
  constructor(
    private readonly inference: InferenceClient,
    private readonly telemetry: GatewayTelemetry,
    private readonly models: ModelReferenceResolver,
    private readonly budget: LiveLaneBudget,
    private readonly predictionLog: PredictionLogWriter,
  ) {}

  async analyse(text: string, model?: string): Promise<AnalysedTexts> {
    return this.analyseMany([text], model);
  }

  /**
   * Results in input order; metrics observe latency once per request and the rest per text. Refused
   * at once (LiveQueueFullException, 503) while the live lane is over its budget; a batch counts its texts.
   * A sample of the answered texts goes to the prediction log.
   */
  async analyseMany(texts: string[], model?: string): Promise<AnalysedTexts> {
    const started = performance.now();
    const target = model ? await this.models.resolve(model, 'model', 'body') : undefined;
    const response = await this.budget.run(texts.length, () => this.inference.predict(texts, { model: target })).catch((error: unknown) => {
      if (error instanceof InferenceException && error.failure === InferenceFailure.ModelNotFound) throw fieldError('body', 'model', error.message, 'unknown_model');
      // A model the caller named that no replica can load is the caller's to fix (was a 502).
      if (model && error instanceof InferenceException && error.failure === InferenceFailure.ModelLoadFailed) throw fieldError('body', 'model', `cannot be loaded: ${error.message}`, 'model_load_failed');
      throw error;
    });
    const { sentiment } = this.telemetry;
    sentiment.predictionLatency.observe((performance.now() - started) / 1000);
    const results = response.predictions.map((prediction, index) => {
      const text = texts[index];
      sentiment.predictionsTotal.inc({ sentiment: prediction.label });
      sentiment.textLength.observe(countCodePoints(text));
      sentiment.confidence.observe(prediction.confidence);
      return toResponse(text, prediction);
    });
    // Buffered and written in the background: never awaited, never throws.
    this.predictionLog.record(response.model, texts, response.predictions);
    return { results, model: response.model };
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
