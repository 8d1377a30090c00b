import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto, type ApiKeyRole } from '@sentiment-ops/contracts';

/**
 * Who may call a route. Every route declares one (on the method or its controller); the gateway
 * refuses to start when one does not, so a new route cannot be left open by accident.
 *   - public: anyone; per-IP rate limited unless `rateLimited: false` (probes)
 *   - role: an API key holding at least this role (predict < operator < admin)
 *   - metrics-token: the METRICS_TOKEN bearer token when one is configured, else anyone
 */
export type AccessLevel = { kind: 'public'; rateLimited: boolean } | { kind: 'role'; role: ApiKeyRole } | { kind: 'metrics-token' };

export const ACCESS_METADATA = 'sentiment-ops:access';

export const Public = (options: { rateLimited?: boolean } = {}) => SetMetadata<string, AccessLevel>(ACCESS_METADATA, { kind: 'public', rateLimited: options.rateLimited ?? true });

/** Names of the OpenAPI security schemes declared in bootstrap.ts (Swagger UI's Authorize button). */
export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'api-key';

export const RequireRole = (role: ApiKeyRole) =>
  applyDecorators(
    SetMetadata<string, AccessLevel>(ACCESS_METADATA, { kind: 'role', role }),
    ApiBearerAuth(BEARER_SCHEME),
    ApiSecurity(API_KEY_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: `No API key, or an invalid or revoked one (WWW-Authenticate: Bearer). Needs role ${role}.` }),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: `The key's role is below ${role}` }),
    ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Rate limit (or quota) exceeded; Retry-After says when to retry' }),
  );

export const RequireMetricsToken = () =>
  applyDecorators(
    SetMetadata<string, AccessLevel>(ACCESS_METADATA, { kind: 'metrics-token' }),
    ApiBearerAuth(BEARER_SCHEME),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'METRICS_TOKEN is set and the request does not carry it' }),
  );

/** How docs and tests spell a level: `public`, `public (not rate limited)`, `operator`, `metrics token`. */
export const describeAccess = (access: AccessLevel): string => {
  if (access.kind === 'role') return access.role;
  if (access.kind === 'metrics-token') return 'metrics token';
  return access.rateLimited ? 'public' : 'public (not rate limited)';
};
