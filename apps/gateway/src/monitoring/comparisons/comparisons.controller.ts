import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ComparisonReportDto, ComparisonReportListDto, ErrorResponseDto, REPORT_STATUSES } from '@sentiment-ops/contracts';
import { RequireRole } from '../../auth/access.decorators';
import { ZodValidationPipe } from '../../common/request-validation';
import { reportIdParams, reportListQuerySchema, type ReportListQuery } from '../report-queries';
import { ComparisonsService } from './comparisons.service';

const NOT_COMPLETED = 'The report exists but has not completed (queued, running or failed): no rendering yet';

/** Model comparison reports written by the model-evaluation flow. The `.md` / `.png` routes come before `:id`, which would match them too. */
@ApiTags('monitoring')
@RequireRole('operator')
@Controller('api/v1/comparisons')
export class ComparisonsController {
  constructor(private readonly comparisons: ComparisonsService) {}

  @Get()
  @ApiOperation({ summary: 'Model comparison reports, newest first' })
  @ApiQuery({ name: 'status', required: false, enum: REPORT_STATUSES })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..100, default 20' })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'default 0' })
  @ApiOkResponse({ type: ComparisonReportListDto })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto })
  list(@Query(new ZodValidationPipe(reportListQuerySchema, 'query')) query: ReportListQuery) {
    return this.comparisons.list(query);
  }

  @Get(':id.md')
  @ApiOperation({ summary: 'A completed comparison report as Markdown' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('text/markdown')
  @ApiOkResponse({ description: 'text/markdown; charset=utf-8', schema: { type: 'string' } })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: NOT_COMPLETED })
  markdown(@Param(new ZodValidationPipe(reportIdParams, 'path')) params: { id: string }) {
    return this.comparisons.rendering(params.id, 'md');
  }

  @Get(':id.png')
  @ApiOperation({ summary: 'A completed comparison report as a PNG bar chart' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('image/png')
  @ApiOkResponse({ description: 'image/png', schema: { type: 'string', format: 'binary' } })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: NOT_COMPLETED })
  png(@Param(new ZodValidationPipe(reportIdParams, 'path')) params: { id: string }) {
    return this.comparisons.rendering(params.id, 'png');
  }

  @Get(':id')
  @ApiOperation({ summary: 'One comparison report (JSON): targets, child evaluations, deltas against the production model' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ComparisonReportDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param(new ZodValidationPipe(reportIdParams, 'path')) params: { id: string }) {
    return this.comparisons.get(params.id);
  }
}
