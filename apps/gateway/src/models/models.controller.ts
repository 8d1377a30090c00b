import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiNotFoundResponse, ApiParam, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { ErrorResponseDto, FineTuneAcceptedDto, fineTuneBodySchema, FineTuneRequestDto, TrainingRunDto, type FineTuneBody, ModelDetailsDto, ModelSummaryDto, setAliasBodySchema, SetAliasRequestDto, SetAliasResponseDto, type SetAliasBody } from '@sentiment-ops/contracts';
import { ModelRegistryRepository, PersistenceErrorCode, PersistenceException } from '@sentiment-ops/persistence';
import { RequireRole } from '../auth/access.decorators';
import { ZodValidationPipe } from '../common/request-validation';
import { FineTuneService } from './fine-tune.service';
import { ModelPreloadPublisher } from './model-preload.publisher';

/** The model registry (Postgres): trained and fine-tuned models, their versions and aliases. */
@ApiTags('models')
@RequireRole('operator')
@Controller('api/v1/models')
export class ModelsController {
  constructor(
    private readonly registry: ModelRegistryRepository,
    private readonly fineTunes: FineTuneService,
    private readonly preload: ModelPreloadPublisher,
  ) {}

  @Post('fine-tune')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a fine-tuning of a sentiment-lite model on a labelled dataset split (frozen featurizer, new head)' })
  @ApiBody({ type: FineTuneRequestDto })
  @ApiAcceptedResponse({ type: FineTuneAcceptedDto })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Unknown dataset, split or base model; `detail[].field` names it' })
  fineTune(@Body(new ZodValidationPipe(fineTuneBodySchema)) body: FineTuneBody) {
    return this.fineTunes.enqueue(body);
  }

  @Get('training-runs/:id')
  @ApiOperation({ summary: 'A training or fine-tuning run: status, per-epoch and final metrics, resulting model version' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: TrainingRunDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  trainingRun(@Param(new ZodValidationPipe(z.object({ id: z.uuid({ error: 'must be a training run id (UUID)' }) }), 'path')) params: { id: string }) {
    return this.fineTunes.get(params.id);
  }

  @Get()
  @ApiOperation({ summary: 'Registered models with their latest version and aliases' })
  @ApiOkResponse({ type: [ModelSummaryDto] })
  list() {
    return this.registry.listModels();
  }

  @Get(':name')
  @ApiOperation({ summary: 'One model: every version (parameters, metrics, artifact) and its aliases' })
  @ApiOkResponse({ type: ModelDetailsDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@Param('name') name: string) {
    const model = await this.registry.getModel(name);
    if (!model) throw new NotFoundException(`model ${name} not found`);
    return model;
  }

  @Post(':name/aliases')
  @HttpCode(200)
  @ApiOperation({ summary: 'Point an alias (production, candidate, …) at a version' })
  @ApiBody({ type: SetAliasRequestDto })
  @ApiOkResponse({ type: SetAliasResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown model or version' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto })
  async setAlias(@Param('name') name: string, @Body(new ZodValidationPipe(setAliasBodySchema)) body: SetAliasBody) {
    try {
      const result = await this.registry.setAlias(name, body.alias, body.version);
      const version = await this.registry.getVersion(name, result.version);
      // Replicas load the new version now, so the first requests after the switch do not wait for it.
      if (version) await this.preload.announce({ model: version.uri, reason: `${name}@${body.alias} -> ${result.version}` });
      return { name, alias: body.alias, version: result.version, previous: result.previous };
    } catch (error) {
      if (error instanceof PersistenceException && (error.code === PersistenceErrorCode.ModelNotFound || error.code === PersistenceErrorCode.VersionNotFound)) {
        throw new NotFoundException(error.message);
      }
      throw error;
    }
  }
}
