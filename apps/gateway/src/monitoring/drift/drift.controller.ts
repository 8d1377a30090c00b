import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConflictResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import {
  ALERT_SEVERITIES,
  DatasetReferenceBodyDto,
  DriftAlertListDto,
  DriftReportDto,
  DriftReportListDto,
  DriftRunAcceptedDto,
  DriftRunRequestDto,
  ErrorResponseDto,
  REPORT_STATUSES,
  TimeWindowBodyDto,
  type DriftRunBody,
} from '@sentiment-ops/contracts';
import { RequireRole } from '../../auth/access.decorators';
import { CurrentPrincipal, type Principal } from '../../auth/principal';
import { ZodValidationPipe } from '../../common/request-validation';
import { alertListQuerySchema, optionalDriftRunBody, reportIdParams, reportListQuerySchema, type AlertListQuery, type ReportListQuery } from '../report-queries';
import { DriftService } from './drift.service';

const NOT_COMPLETED = 'The report exists but has not completed (queued, running or failed): no rendering yet';

/** Drift reports of live traffic and their alerts. The `.md` / `.png` routes come before `:id`, which would match them too. */
@ApiTags('monitoring')
@ApiExtraModels(TimeWindowBodyDto, DatasetReferenceBodyDto)
@RequireRole('operator')
@Controller('api/v1/drift')
export class DriftController {
  constructor(private readonly drift: DriftService) {}

  @Post('run')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a drift report: current window of the prediction log against a reference window or labelled dataset' })
  @ApiBody({ type: DriftRunRequestDto, required: false })
  @ApiAcceptedResponse({ type: DriftRunAcceptedDto })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Bad window (from ≥ to, longer than 90 days), unknown dataset or split, samples out of range, unknown field; `detail[].field` names it' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'MONITORING_MAX_PENDING manual runs are already waiting' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis or Postgres is unreachable' })
  run(@Body(new ZodValidationPipe(optionalDriftRunBody)) body: DriftRunBody, @CurrentPrincipal() caller: Principal): Promise<DriftRunAcceptedDto> {
    return this.drift.run(body, caller.kind === 'key' ? caller.name : null);
  }

  @Get('reports')
  @ApiOperation({ summary: 'Drift reports, newest first (results and alerts included, renderings not)' })
  @ApiQuery({ name: 'status', required: false, enum: REPORT_STATUSES })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..100, default 20' })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'default 0' })
  @ApiOkResponse({ type: DriftReportListDto })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto })
  list(@Query(new ZodValidationPipe(reportListQuerySchema, 'query')) query: ReportListQuery) {
    return this.drift.list(query);
  }

  @Get('reports/:id.md')
  @ApiOperation({ summary: 'A completed drift report as Markdown' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('text/markdown')
  @ApiOkResponse({ description: 'text/markdown; charset=utf-8', schema: { type: 'string' } })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: NOT_COMPLETED })
  markdown(@Param(new ZodValidationPipe(reportIdParams, 'path')) params: { id: string }) {
    return this.drift.rendering(params.id, 'md');
  }

  @Get('reports/:id.png')
  @ApiOperation({ summary: 'A completed drift report as a PNG figure (distributions, drift scores against thresholds)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('image/png')
  @ApiOkResponse({ description: 'image/png', schema: { type: 'string', format: 'binary' } })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: NOT_COMPLETED })
  png(@Param(new ZodValidationPipe(reportIdParams, 'path')) params: { id: string }) {
    return this.drift.rendering(params.id, 'png');
  }

  @Get('reports/:id')
  @ApiOperation({ summary: 'One drift report (JSON): status, windows, per-feature tests, performance, estimated accuracy, alerts' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: DriftReportDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param(new ZodValidationPipe(reportIdParams, 'path')) params: { id: string }) {
    return this.drift.get(params.id);
  }

  @Get('alerts')
  @ApiOperation({ summary: 'Drift and performance alerts of every report, newest first' })
  @ApiQuery({ name: 'severity', required: false, enum: ALERT_SEVERITIES })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..100, default 20' })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'default 0' })
  @ApiOkResponse({ type: DriftAlertListDto })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto })
  alerts(@Query(new ZodValidationPipe(alertListQuerySchema, 'query')) query: AlertListQuery) {
    return this.drift.alerts(query);
  }
}
