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

/** `POST /api/v1/models/fine-tune` body. */
export const fineTuneBodySchema = z.object(
  {
    base: z.string({ error: 'must be a string' }).min(1).max(512).default('sentiment-lite'),
    dataset: z.string({ error: 'must be a string' }).min(1).max(200).default('mteb/amazon_reviews_multi'),
    split: z.string({ error: 'must be a string' }).min(1).max(100).default('train'),
    samples: z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(10, { error: 'must be at least 10' }).max(1_000_000).optional(),
    holdout: z.number({ error: 'must be a number' }).min(0.05, { error: 'must be at least 0.05' }).max(0.5, { error: 'must be at most 0.5' }).default(0.2),
    seed: z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(0).max(2 ** 31 - 1).default(42),
    name: z
      .string({ error: 'must be a string' })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { error: 'must be letters, digits, . _ or -, starting with a letter or digit' })
      .optional(),
  },
  { error: 'request body must be a JSON object' },
);
export type FineTuneBody = z.infer<typeof fineTuneBodySchema>;

export class FineTuneRequestDto {
  @ApiProperty({ required: false, example: 'sentiment-lite', description: 'Model to adapt (a sentiment-lite model: name, name@version, name@alias or folder); default sentiment-lite' }) base?: string;
  @ApiProperty({ required: false, example: 'mteb/amazon_reviews_multi', description: 'Training data (default mteb/amazon_reviews_multi)' }) dataset?: string;
  @ApiProperty({ required: false, example: 'train', description: 'Split to train on (default train); the test split is only reported' }) split?: string;
  @ApiProperty({ required: false, example: 5000, description: 'Rows to sample from the split (default all)' }) samples?: number;
  @ApiProperty({ required: false, example: 0.2, description: 'Fraction held out for early stopping, 0.05..0.5 (default 0.2)' }) holdout?: number;
  @ApiProperty({ required: false, example: 42 }) seed?: number;
  @ApiProperty({ required: false, example: 'sentiment-lite-amazon', description: 'Registry name of the result (default <base>-<dataset>)' }) name?: string;
}

export class FineTuneAcceptedDto {
  @ApiProperty({ format: 'uuid' }) jobId!: string;
  @ApiProperty({ example: 'queued' }) status!: string;
  @ApiProperty({ example: '/api/v1/models/training-runs/0b8f6a4e-2c1d-4f7a-9d2e-5a6b7c8d9e0f' }) statusUrl!: string;
  @ApiProperty({ example: 'sentiment-lite-amazon' }) name!: string;
}

export class TrainingRunDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['train-lite', 'fine-tune'] }) kind!: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) baseModel!: string | null;
  @ApiProperty() dataset!: string;
  @ApiProperty() split!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) parameters!: Record<string, unknown>;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Per-epoch metrics' }) epochs!: Record<string, number>[];
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) finalMetrics!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String, description: 'Registered result model' }) model!: string | null;
  @ApiProperty({ nullable: true, type: Number }) version!: number | null;
  @ApiProperty({ nullable: true, type: String }) mlflowRunId!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt!: string | null;
}
