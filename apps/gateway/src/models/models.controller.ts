import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ErrorResponseDto, ModelDetailsDto, ModelSummaryDto, setAliasBodySchema, SetAliasRequestDto, SetAliasResponseDto, type SetAliasBody } from '@sentiment-ops/contracts';
import { ModelRegistryRepository, PersistenceErrorCode, PersistenceException } from '@sentiment-ops/persistence';
import { ZodValidationPipe } from '../common/request-validation';

/** The model registry (Postgres): trained and fine-tuned models, their versions and aliases. */
@ApiTags('models')
@Controller('api/v1/models')
export class ModelsController {
  constructor(private readonly registry: ModelRegistryRepository) {}

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
      return { name, alias: body.alias, version: result.version, previous: result.previous };
    } catch (error) {
      if (error instanceof PersistenceException && (error.code === PersistenceErrorCode.ModelNotFound || error.code === PersistenceErrorCode.VersionNotFound)) {
        throw new NotFoundException(error.message);
      }
      throw error;
    }
  }
}
