import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';

/** `POST /api/v1/models/:name/aliases` body. Aliases are lowercase; `production` is what a bare name serves. */
export const setAliasBodySchema = z.object(
  {
    alias: z.string({ error: 'must be a string' }).regex(/^[a-z][a-z0-9_-]{0,62}$/, { error: 'must be lowercase letters, digits, _ or -, starting with a letter' }),
    version: z.number({ error: 'must be a version number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }),
  },
  { error: 'request body must be a JSON object' },
);
export type SetAliasBody = z.infer<typeof setAliasBodySchema>;

export class SetAliasRequestDto {
  @ApiProperty({ example: 'production', description: 'Alias to point (production, candidate, …)' }) alias!: string;
  @ApiProperty({ example: 2, minimum: 1 }) version!: number;
}

export class SetAliasResponseDto {
  @ApiProperty({ example: 'sentiment-lite' }) name!: string;
  @ApiProperty({ example: 'production' }) alias!: string;
  @ApiProperty({ example: 2 }) version!: number;
  @ApiProperty({ example: 1, nullable: true, type: Number, description: 'Where the alias pointed before' }) previous!: number | null;
}

export class ModelVersionDto {
  @ApiProperty({ example: 'sentiment-lite' }) name!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ nullable: true, type: String, example: null }) baseModel!: string | null;
  @ApiProperty({ example: 'tweet_eval/train' }) sourceDataset!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) trainingParameters!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) metrics!: Record<string, unknown>;
  @ApiProperty({ example: './models/sentiment-lite' }) uri!: string;
  @ApiProperty({ example: '3fa2c1d0e9b8' }) contentVersion!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ModelSummaryDto {
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() latestVersion!: number;
  @ApiProperty() versionCount!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { production: 1, candidate: 2 } }) aliases!: Record<string, number>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ModelDetailsDto {
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: [ModelVersionDto], description: 'Oldest first' }) versions!: ModelVersionDto[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } }) aliases!: Record<string, number>;
}
