import { applyDecorators, Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiBadGatewayResponse,
  ApiBody,
  ApiGatewayTimeoutResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import {
  BatchSentimentRequestDto,
  BatchSentimentResponseDto,
  batchSentimentRequestSchema,
  ErrorResponseDto,
  SentimentRequestDto,
  sentimentRequestSchema,
  SentimentResponseDto,
  type BatchSentimentRequest,
  type ModelDescriptor,
  type SentimentRequest,
} from '@sentiment-ops/contracts';
import { RequireRole } from '../auth/access.decorators';
import { ZodValidationPipe } from '../common/request-validation';
import { SentimentService } from './sentiment.service';

const ApiInferenceErrors = () =>
  applyDecorators(
    ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Invalid body; `detail[].field` names the offending field (e.g. `texts[3]`), also for malformed JSON.' }),
    ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: 'Body larger than HTTP_BODY_LIMIT (default 1mb).' }),
    ApiServiceUnavailableResponse({
      type: ErrorResponseDto,
      description: 'Redis or the inference service is unreachable, or the live queue is over LIVE_QUEUE_MAX_DEPTH texts / LIVE_QUEUE_MAX_WAIT_MS estimated wait (`Retry-After` says when to retry).',
    }),
    ApiGatewayTimeoutResponse({ type: ErrorResponseDto, description: 'No inference replica answered before the deadline (INFERENCE_TIMEOUT_MS).' }),
    ApiBadGatewayResponse({ type: ErrorResponseDto, description: 'The inference replica failed to compute the request.' }),
  );

/** The body keeps the reference shape; which model answered travels in headers. */
const setModelHeaders = (res: Response, model: ModelDescriptor): void => {
  res.setHeader('X-Model', encodeURIComponent(model.name));
  res.setHeader('X-Model-Version', model.version);
};

@ApiTags('sentiment')
@RequireRole('predict')
@Controller('api/v1/sentiment')
export class SentimentController {
  constructor(private readonly sentiment: SentimentService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Analyse the sentiment of one text' })
  @ApiBody({ type: SentimentRequestDto })
  @ApiOkResponse({ type: SentimentResponseDto })
  @ApiInferenceErrors()
  async analyse(@Body(new ZodValidationPipe(sentimentRequestSchema)) body: SentimentRequest, @Res({ passthrough: true }) res: Response): Promise<SentimentResponseDto> {
    const { results, model } = await this.sentiment.analyse(body.text, body.model);
    setModelHeaders(res, model);
    return results[0];
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Analyse up to 100 texts in one call; results keep the input order' })
  @ApiBody({ type: BatchSentimentRequestDto })
  @ApiOkResponse({ type: BatchSentimentResponseDto })
  @ApiInferenceErrors()
  async analyseBatch(@Body(new ZodValidationPipe(batchSentimentRequestSchema)) body: BatchSentimentRequest, @Res({ passthrough: true }) res: Response): Promise<BatchSentimentResponseDto> {
    const { results, model } = await this.sentiment.analyseMany(body.texts, body.model);
    setModelHeaders(res, model);
    return { results };
  }
}
