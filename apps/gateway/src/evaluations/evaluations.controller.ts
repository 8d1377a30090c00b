import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import {
  ErrorResponseDto,
  EVALUATION_STATUSES,
  EvaluationAcceptedDto,
  evaluationIdSchema,
  EvaluationListDto,
  evaluationListQuerySchema,
  EvaluationRunDto,
  evaluateQuerySchema,
  SAMPLING_STRATEGIES,
  type EvaluateQuery,
  type EvaluationListQuery,
} from '@sentiment-ops/contracts';
import { z } from 'zod';
import { RequireRole } from '../auth/access.decorators';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ZodValidationPipe } from '../common/request-validation';
import { EvaluationsService } from './evaluations.service';

const idParams = z.object({ id: evaluationIdSchema });

@ApiTags('evaluations')
@RequireRole('operator')
@Controller('api/v1')
export class EvaluationsController {
  constructor(private readonly evaluations: EvaluationsService) {}

  @Post('evaluate')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue an evaluation of a model on a labelled dataset split' })
  @ApiQuery({ name: 'dataset', required: false, example: 'tweet_eval', description: 'tweet_eval or mteb/amazon_reviews_multi (default tweet_eval)' })
  @ApiQuery({ name: 'split', required: false, example: 'test', description: 'train, validation or test (default test)' })
  @ApiQuery({ name: 'samples', required: false, type: Number, example: 500, description: 'Rows to evaluate, 1..MAX_EVAL_SAMPLES (default 20,000); absent = the whole split up to that cap' })
  @ApiQuery({ name: 'model_name', required: false, example: 'cardiffnlp/twitter-roberta-base-sentiment-latest', description: 'The model that predicts (default: the inference default)' })
  @ApiQuery({ name: 'sampling', required: false, enum: SAMPLING_STRATEGIES, description: 'How rows are drawn (default random)' })
  @ApiQuery({ name: 'seed', required: false, type: Number, example: 42, description: 'Seed of random and stratified sampling (default 42)' })
  @ApiAcceptedResponse({ type: EvaluationAcceptedDto })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Unknown dataset, split or model, or samples/seed out of bounds; `detail[].field` names the parameter' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis, Postgres or the inference service is unreachable' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'A per-key quota is spent (EVAL_MAX_CONCURRENT_PER_KEY, or EVAL_DAILY_PER_KEY with Retry-After until 00:00 UTC), or the rate limit' })
  enqueue(@Query(new ZodValidationPipe(evaluateQuerySchema, 'query')) query: EvaluateQuery, @CurrentPrincipal() caller: Principal): Promise<EvaluationAcceptedDto> {
    return this.evaluations.enqueue(query, caller.kind === 'key' ? caller.name : null);
  }

  @Get('evaluations')
  @ApiOperation({ summary: 'Evaluation history, newest first' })
  @ApiQuery({ name: 'model_name', required: false })
  @ApiQuery({ name: 'dataset', required: false })
  @ApiQuery({ name: 'split', required: false })
  @ApiQuery({ name: 'status', required: false, enum: EVALUATION_STATUSES })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..100, default 20' })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'default 0' })
  @ApiOkResponse({ type: EvaluationListDto })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto })
  list(@Query(new ZodValidationPipe(evaluationListQuerySchema, 'query')) query: EvaluationListQuery) {
    return this.evaluations.list(query);
  }

  @Get('evaluations/:id')
  @ApiOperation({ summary: 'State, progress, timings and result of one evaluation' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: EvaluationRunDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param(new ZodValidationPipe(idParams, 'path')) params: { id: string }) {
    return this.evaluations.get(params.id);
  }

  @Delete('evaluations/:id')
  @ApiOperation({ summary: 'Cancel a queued or running evaluation' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: EvaluationRunDto, description: 'The run, now cancelled' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The run already finished' })
  cancel(@Param(new ZodValidationPipe(idParams, 'path')) params: { id: string }) {
    return this.evaluations.cancel(params.id);
  }
}
