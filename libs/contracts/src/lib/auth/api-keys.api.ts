import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';

/**
 * API key roles, lowest first: a key holds its role and every role before it
 * (`admin` can do what `operator` can, which can do what `predict` can). Stored in Postgres: renaming
 * a role needs a migration.
 */
export const API_KEY_ROLES = ['predict', 'operator', 'admin'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** Whether a key of role `held` may call an endpoint that needs `needed`. */
export const roleIncludes = (held: ApiKeyRole, needed: ApiKeyRole): boolean => API_KEY_ROLES.indexOf(held) >= API_KEY_ROLES.indexOf(needed);

/** Key names appear in logs and metrics: short and plain, so they cannot inject into either. */
export const API_KEY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A key name, wherever one is given (the create body, the revoke path). */
export const apiKeyNameSchema = z
  .string({ error: 'must be a string' })
  .regex(API_KEY_NAME_PATTERN, { error: 'must be 1-64 letters, digits, . _ or -, starting with a letter or digit' });

/** Every key the gateway issues starts with this, so a leaked one is easy to recognise (secret scanners). */
export const API_KEY_PREFIX = 'sk_';

export const createApiKeyBodySchema = z.object(
  {
    name: apiKeyNameSchema,
    role: z.enum(API_KEY_ROLES, { error: `must be one of ${API_KEY_ROLES.join(', ')}` }),
  },
  { error: 'request body must be a JSON object' },
);
export type CreateApiKeyBody = z.infer<typeof createApiKeyBodySchema>;

export class CreateApiKeyRequestDto {
  @ApiProperty({ example: 'ci-pipeline', pattern: API_KEY_NAME_PATTERN.source, description: 'Unique among active keys; appears in logs instead of the key' }) name!: string;
  @ApiProperty({ enum: API_KEY_ROLES, example: 'predict' }) role!: string;
}

export class ApiKeyDto {
  @ApiProperty({ example: 'ci-pipeline' }) name!: string;
  @ApiProperty({ enum: API_KEY_ROLES }) role!: string;
  @ApiProperty({ enum: ['env', 'database'], description: 'env keys come from API_KEYS and are managed by redeploying' }) source!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'null for env keys' }) createdAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) revokedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Updated at most once a minute per gateway replica; null for env keys' }) lastUsedAt!: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ example: 'sk_3q2-7wLh0b1Kc9yZ…', description: 'The key itself. Shown once: only its SHA-256 hash is stored.' }) key!: string;
}
