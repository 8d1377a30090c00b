import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ApiKeyDto, apiKeyNameSchema, createApiKeyBodySchema, CreateApiKeyRequestDto, CreatedApiKeyDto, ErrorResponseDto, type CreateApiKeyBody } from '@sentiment-ops/contracts';
import { z } from 'zod';
import { RequireRole } from '../auth/access.decorators';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ZodValidationPipe } from '../common/request-validation';
import { ApiKeysService } from './api-keys.service';

// A name no key can have is refused before it reaches Postgres (which cannot even hold a NUL).
const nameParams = z.object({ name: apiKeyNameSchema });

@ApiTags('admin')
@RequireRole('admin')
@Controller('admin/keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Issue an API key; the answer is the only time the key is shown' })
  @ApiBody({ type: CreateApiKeyRequestDto })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'An active key (or an API_KEYS entry) already has this name' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto })
  create(@Body(new ZodValidationPipe(createApiKeyBodySchema)) body: CreateApiKeyBody, @CurrentPrincipal() by: Principal): Promise<CreatedApiKeyDto> {
    return this.keys.create(body, by);
  }

  @Get()
  @ApiOperation({ summary: 'Every key (API_KEYS entries and issued keys, revoked ones too); never a key or its hash' })
  @ApiOkResponse({ type: [ApiKeyDto] })
  list(): Promise<ApiKeyDto[]> {
    return this.keys.list();
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an issued key (API_KEYS entries are removed by redeploying)' })
  @ApiNoContentResponse({ description: 'Revoked: refused at once by this replica, by the others within API_KEY_CACHE_MS' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Not a possible key name' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The key comes from API_KEYS' })
  revoke(@Param(new ZodValidationPipe(nameParams, 'path')) params: { name: string }, @CurrentPrincipal() by: Principal): Promise<void> {
    return this.keys.revoke(params.name, by);
  }
}
