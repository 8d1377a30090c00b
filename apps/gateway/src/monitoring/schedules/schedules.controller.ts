import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto, SCHEDULE_IDS, schedulePatchSchema, SchedulePatchDto, ScheduleRunAcceptedDto, ScheduleViewDto, type SchedulePatch } from '@sentiment-ops/contracts';
import { RequireRole } from '../../auth/access.decorators';
import { CurrentPrincipal, type Principal } from '../../auth/principal';
import { ZodValidationPipe } from '../../common/request-validation';
import { scheduleIdParams } from '../report-queries';
import { SchedulesService } from './schedules.service';

const callerName = (caller: Principal): string | null => (caller.kind === 'key' ? caller.name : null);

/** The built-in schedules (BullMQ job schedulers registered by the evaluation worker). */
@ApiTags('monitoring')
@RequireRole('operator')
@Controller('api/v1/schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Get()
  @ApiOperation({ summary: 'The built-in schedules: effective cron pattern and time zone, paused or not, next and last run' })
  @ApiOkResponse({ type: [ScheduleViewDto], description: 'Schedules registered by a worker (none before the first worker start)' })
  list() {
    return this.schedules.list();
  }

  @Patch(':id')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Pause or resume a schedule, override its pattern or time zone (null resets to the configuration)' })
  @ApiParam({ name: 'id', enum: SCHEDULE_IDS })
  @ApiBody({ type: SchedulePatchDto })
  @ApiOkResponse({ type: ScheduleViewDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown schedule, or not registered by any worker yet' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Invalid pattern or time zone, unknown field; `detail[].field` names it' })
  update(
    @Param(new ZodValidationPipe(scheduleIdParams, 'path')) params: { id: string },
    @Body(new ZodValidationPipe(schedulePatchSchema)) patch: SchedulePatch,
    @CurrentPrincipal() caller: Principal,
  ) {
    return this.schedules.update(params.id, patch, callerName(caller));
  }

  @Post(':id/run')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run a schedule now (also while paused): queues its report and job' })
  @ApiParam({ name: 'id', enum: SCHEDULE_IDS })
  @ApiAcceptedResponse({ type: ScheduleRunAcceptedDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown schedule' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'MONITORING_MAX_PENDING manual runs are already waiting' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis or Postgres is unreachable' })
  run(@Param(new ZodValidationPipe(scheduleIdParams, 'path')) params: { id: string }, @CurrentPrincipal() caller: Principal): Promise<ScheduleRunAcceptedDto> {
    return this.schedules.run(params.id, callerName(caller));
  }
}
