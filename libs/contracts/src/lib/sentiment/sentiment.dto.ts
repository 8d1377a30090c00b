import { ApiProperty } from '@nestjs/swagger';
import { SENTIMENT_LIMITS } from './limits';
import { SENTIMENT_LABELS, type SentimentLabel } from './sentiment-label';

// OpenAPI documentation of the sentiment API. Validation itself is done by the zod schemas
// beside this file; both read their bounds from SENTIMENT_LIMITS.

export class SentimentRequestDto {
  @ApiProperty({
    description: `Text to analyse: ${SENTIMENT_LIMITS.minTextCodePoints}–${SENTIMENT_LIMITS.maxTextCodePoints} Unicode code points, not blank. Mentions and links are normalised as the model card says (@user, http).`,
    minLength: SENTIMENT_LIMITS.minTextCodePoints,
    maxLength: SENTIMENT_LIMITS.maxTextCodePoints,
    example: 'I love the new update, great job @devteam! https://example.com',
  })
  text!: string;

  @ApiProperty({ required: false, description: 'Model to predict with (registered name, hub id or model folder); the replicas\' default when absent. The answering model and version come back in the X-Model and X-Model-Version headers.', example: 'sentiment-lite' })
  model?: string;
}

export class BatchSentimentRequestDto {
  @ApiProperty({
    description: `Texts to analyse, ${SENTIMENT_LIMITS.minBatchItems}–${SENTIMENT_LIMITS.maxBatchItems} items, each under the single-text rule. Results come back in the same order.`,
    type: [String],
    minItems: SENTIMENT_LIMITS.minBatchItems,
    maxItems: SENTIMENT_LIMITS.maxBatchItems,
    example: ['Best day ever!', 'The train is late again.', 'The meeting is at 3pm.'],
  })
  texts!: string[];

  @ApiProperty({ required: false, description: 'Model to predict with; see SentimentRequestDto.model.', example: 'sentiment-lite' })
  model?: string;
}

export class SentimentProbabilitiesDto {
  @ApiProperty({ example: 0.012, minimum: 0, maximum: 1 }) negative!: number;
  @ApiProperty({ example: 0.046, minimum: 0, maximum: 1 }) neutral!: number;
  @ApiProperty({ example: 0.942, minimum: 0, maximum: 1 }) positive!: number;
}

export class SentimentResponseDto {
  @ApiProperty({ description: 'The input text, echoed unchanged.', example: 'Best day ever!' })
  text!: string;

  @ApiProperty({ enum: SENTIMENT_LABELS, example: 'positive' })
  sentiment!: SentimentLabel;

  @ApiProperty({ description: 'Probability of the predicted class (the largest one).', minimum: 0, maximum: 1, example: 0.942 })
  confidence!: number;

  @ApiProperty({ type: SentimentProbabilitiesDto, description: 'Softmax probabilities, keys in negative/neutral/positive order.' })
  probabilities!: SentimentProbabilitiesDto;
}

export class BatchSentimentResponseDto {
  @ApiProperty({ type: [SentimentResponseDto], description: 'One result per input text, in input order.' })
  results!: SentimentResponseDto[];
}

export class ValidationErrorDetailDto {
  @ApiProperty({ description: 'Location of the offending value, FastAPI style.', example: ['body', 'texts', 3], type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'integer' }] } })
  loc!: (string | number)[];

  @ApiProperty({ description: 'The offending field as a path.', example: 'texts[3]' })
  field!: string;

  @ApiProperty({ example: 'must not be blank' })
  msg!: string;

  @ApiProperty({ description: 'Machine-readable error kind.', example: 'blank' })
  type!: string;
}

export class ErrorResponseDto {
  @ApiProperty({ example: 422 }) statusCode!: number;
  @ApiProperty({ example: 'Unprocessable Entity' }) error!: string;
  @ApiProperty({ example: 'texts[3]: must not be blank' }) message!: string;
  @ApiProperty({ description: 'Correlation id of the request (also in the X-Request-ID header).', example: '6f1c0b3e-2f55-4c7d-9a36-2a1b2f9d7c11' })
  requestId!: string;
  @ApiProperty({ type: [ValidationErrorDetailDto], required: false, description: 'Present on validation errors (422).' })
  detail?: ValidationErrorDetailDto[];
}
