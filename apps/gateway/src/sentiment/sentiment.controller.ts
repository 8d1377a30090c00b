import { applyDecorators, Body, Controller, HttpCode, Post } from '@nestjs/common';
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
  type SentimentRequest,
} from '@sentiment-ops/contracts';
import { ZodValidationPipe } from '../common/request-validation';
import { SentimentService } from './sentiment.service';

const ApiInferenceErrors = () =>
  applyDecorators(
    ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Invalid body; `detail[].field` names the offending field (e.g. `texts[3]`), also for malformed JSON.' }),
    ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: 'Body larger than HTTP_BODY_LIMIT (default 1mb).' }),
    ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis or the inference service is unreachable.' }),
    ApiGatewayTimeoutResponse({ type: ErrorResponseDto, description: 'No inference replica answered before the deadline (INFERENCE_TIMEOUT_MS).' }),
    ApiBadGatewayResponse({ type: ErrorResponseDto, description: 'The inference replica failed to compute the request.' }),
  );

@ApiTags('sentiment')
@Controller('api/v1/sentiment')
export class SentimentController {
  constructor(private readonly sentiment: SentimentService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Analyse the sentiment of one text' })
  @ApiBody({ type: SentimentRequestDto })
  @ApiOkResponse({ type: SentimentResponseDto })
  @ApiInferenceErrors()
  analyse(@Body(new ZodValidationPipe(sentimentRequestSchema)) body: SentimentRequest): Promise<SentimentResponseDto> {
    return this.sentiment.analyse(body.text);
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Analyse up to 100 texts in one call; results keep the input order' })
  @ApiBody({ type: BatchSentimentRequestDto })
  @ApiOkResponse({ type: BatchSentimentResponseDto })
  @ApiInferenceErrors()
  async analyseBatch(@Body(new ZodValidationPipe(batchSentimentRequestSchema)) body: BatchSentimentRequest): Promise<BatchSentimentResponseDto> {
    return { results: await this.sentiment.analyseMany(body.texts) };
  }
}
