import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVALUATION_STATUSES, SAMPLING_STRATEGIES } from './evaluation.types';

// OpenAPI documentation of the evaluation API; validation is done by evaluation.schemas.ts.

export class EvaluationAcceptedDto {
  @ApiProperty({ format: 'uuid', example: '0b8f6a4e-2c1d-4f7a-9d2e-5a6b7c8d9e0f' }) jobId!: string;
  @ApiProperty({ enum: EVALUATION_STATUSES, example: 'queued' }) status!: string;
  @ApiProperty({ example: '/api/v1/evaluations/0b8f6a4e-2c1d-4f7a-9d2e-5a6b7c8d9e0f' }) statusUrl!: string;
  @ApiProperty({ example: 'Model evaluation started on tweet_eval (test)' }) message!: string;
  @ApiProperty({ example: 'tweet_eval' }) dataset!: string;
  @ApiProperty({ example: 'test' }) split!: string;
  @ApiProperty({ nullable: true, example: 500, type: Number }) samples!: number | null;
  @ApiProperty({ example: 'default', description: 'model_name, or "default" for the inference default model' }) model!: string;
}

export class ClassMetricsDto {
  @ApiProperty() precision!: number;
  @ApiProperty() recall!: number;
  @ApiProperty() f1!: number;
  @ApiProperty({ description: 'Rows whose true label is this class' }) support!: number;
}

export class PerClassMetricsDto {
  @ApiProperty({ type: ClassMetricsDto }) negative!: ClassMetricsDto;
  @ApiProperty({ type: ClassMetricsDto }) neutral!: ClassMetricsDto;
  @ApiProperty({ type: ClassMetricsDto }) positive!: ClassMetricsDto;
}

export class ClassificationReportDto {
  @ApiProperty() samples!: number;
  @ApiProperty() accuracy!: number;
  @ApiProperty() macroPrecision!: number;
  @ApiProperty({ description: "Macro recall: TweetEval's official metric" }) macroRecall!: number;
  @ApiProperty() macroF1!: number;
  @ApiProperty() weightedPrecision!: number;
  @ApiProperty() weightedRecall!: number;
  @ApiProperty() weightedF1!: number;
  @ApiProperty({ type: PerClassMetricsDto }) perClass!: PerClassMetricsDto;
  @ApiProperty({ description: 'Rows true label, columns predicted label, order negative/neutral/positive', type: 'array', items: { type: 'array', items: { type: 'integer' } }, example: [[50, 10, 2], [12, 80, 9], [1, 11, 25]] })
  confusionMatrix!: number[][];
  @ApiProperty({ description: 'Score given to a class with no true and no predicted rows' }) zeroDivision!: number;
}

export class EvaluationRunDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: EVALUATION_STATUSES }) status!: string;
  @ApiProperty({ description: '0..1' }) progress!: number;
  @ApiProperty({ example: 'tweet_eval' }) dataset!: string;
  @ApiProperty({ example: 'test' }) split!: string;
  @ApiProperty({ nullable: true, type: Number }) samples!: number | null;
  @ApiProperty({ enum: SAMPLING_STRATEGIES }) sampling!: string;
  @ApiProperty() seed!: number;
  @ApiProperty({ nullable: true, type: String, description: 'Requested model; null = inference default' }) modelName!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The model that actually predicted' }) resolvedModel!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Content hash of the model weights' }) modelVersion!: string | null;
  @ApiProperty({ nullable: true, type: Number }) samplesEvaluated!: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) durationMs!: number | null;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Name of the API key that queued the run' }) ownerKey!: string | null;
  @ApiPropertyOptional({ type: ClassificationReportDto, nullable: true }) report!: ClassificationReportDto | null;
}

export class EvaluationListDto {
  @ApiProperty({ type: [EvaluationRunDto] }) items!: EvaluationRunDto[];
  @ApiProperty({ description: 'Runs matching the filters' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
