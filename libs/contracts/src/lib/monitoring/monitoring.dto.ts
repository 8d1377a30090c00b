import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ALERT_SEVERITIES, ALERT_TYPES, CATEGORICAL_DRIFT_FEATURES, NUMERIC_DRIFT_FEATURES, REPORT_STATUSES } from './drift.types';
import { DRIFT_RUN_LIMITS } from './monitoring.schemas';
import { SCHEDULE_IDS } from './monitoring.queue';

// OpenAPI documentation of the schedules, drift and comparison API; validation is done by monitoring.schemas.ts.

const TRIGGERS = ['schedule', 'manual'];
const DRIFT_FEATURES = [...NUMERIC_DRIFT_FEATURES, ...CATEGORICAL_DRIFT_FEATURES];
const DRIFT_TESTS = ['ks', 'wasserstein', 'chi_square', 'jensen_shannon'];
const JUDGEMENT = ['ok', 'insufficient_data'];
const nullableNumber = { nullable: true, type: Number } as const;
const nullableString = { nullable: true, type: String } as const;
const nullableDate = { nullable: true, type: String, format: 'date-time' } as const;

// --- Schedules ---

export class SchedulePairDto {
  @ApiProperty({ example: '0 * * * *' }) pattern!: string;
  @ApiProperty({ example: 'UTC' }) timezone!: string;
}

export class ScheduleOverriddenDto {
  @ApiProperty() pattern!: boolean;
  @ApiProperty() timezone!: boolean;
}

export class ScheduleLastRunDto {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty({ enum: REPORT_STATUSES }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty(nullableDate) finishedAt!: string | null;
}

export class ScheduleViewDto {
  @ApiProperty({ enum: SCHEDULE_IDS }) id!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ example: '0 * * * *', description: 'Effective cron pattern (override, else the worker configuration)' }) pattern!: string;
  @ApiProperty({ example: 'UTC', description: 'Effective IANA time zone' }) timezone!: string;
  @ApiProperty({ description: 'false = paused: no scheduler in BullMQ, manual runs still allowed' }) enabled!: boolean;
  @ApiProperty({ type: SchedulePairDto, description: "The worker's configuration" }) configured!: SchedulePairDto;
  @ApiProperty({ type: ScheduleOverriddenDto }) overridden!: ScheduleOverriddenDto;
  @ApiProperty({ ...nullableDate, description: "BullMQ's next run (null while paused)" }) nextRunAt!: string | null;
  @ApiProperty({ type: ScheduleLastRunDto, nullable: true, description: 'Latest report of this kind, scheduled or manual' }) lastRun!: ScheduleLastRunDto | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ ...nullableString, description: 'API key that last changed it' }) updatedBy!: string | null;
}

export class SchedulePatchDto {
  @ApiPropertyOptional({ description: 'false pauses (removes the BullMQ scheduler), true resumes' }) enabled?: boolean;
  @ApiPropertyOptional({ ...nullableString, example: '*/30 * * * *', description: 'Cron pattern (5 or 6 fields) overriding the configuration; null resets it' }) pattern?: string | null;
  @ApiPropertyOptional({ ...nullableString, example: 'Europe/Rome', description: 'IANA time zone overriding the configuration; null resets it' }) timezone?: string | null;
}

export class ScheduleRunAcceptedDto {
  @ApiProperty({ enum: SCHEDULE_IDS }) schedule!: string;
  @ApiProperty({ format: 'uuid', description: 'BullMQ job id, equal to the report id' }) jobId!: string;
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty({ example: '/api/v1/drift/reports/0b8f6a4e-2c1d-4f7a-9d2e-5a6b7c8d9e0f' }) reportUrl!: string;
}

// --- Drift runs ---

export class TimeWindowBodyDto {
  @ApiProperty({ format: 'date-time', example: '2026-11-20T00:00:00Z', description: 'Inclusive' }) from!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-27T00:00:00Z', description: `Exclusive; at most ${DRIFT_RUN_LIMITS.maxWindowDays} days after from` }) to!: string;
}

export class DatasetReferenceBodyDto {
  @ApiProperty({ example: 'tweet_eval' }) dataset!: string;
  @ApiPropertyOptional({ example: 'test', default: 'test' }) split?: string;
  @ApiPropertyOptional({ minimum: 30, maximum: DRIFT_RUN_LIMITS.maxDatasetSamples, default: 1000 }) samples?: number;
  @ApiPropertyOptional({ minimum: 0, default: 42 }) seed?: number;
}

export class DriftRunRequestDto {
  @ApiPropertyOptional({ example: 'sentiment-lite@production', description: 'Model whose traffic is compared (registry references resolved); default: the model that served most of the current window' })
  model?: string;
  @ApiPropertyOptional({
    oneOf: [{ $ref: getSchemaPath(TimeWindowBodyDto) }, { $ref: getSchemaPath(DatasetReferenceBodyDto) }],
    description: 'A log window {from, to}, or a labelled dataset {dataset, split?, samples?, seed?}; default: the 7 days before the current window',
  })
  reference?: TimeWindowBodyDto | DatasetReferenceBodyDto;
  @ApiPropertyOptional({ type: TimeWindowBodyDto, description: 'Default: the last 12 hours' }) current?: TimeWindowBodyDto;
}

export class DriftRunAcceptedDto {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty({ format: 'uuid', description: 'BullMQ job id, equal to the report id' }) jobId!: string;
  @ApiProperty({ enum: ['queued'] }) status!: string;
  @ApiProperty({ example: '/api/v1/drift/reports/0b8f6a4e-2c1d-4f7a-9d2e-5a6b7c8d9e0f' }) statusUrl!: string;
}

// --- Drift reports ---

export class DriftAlertDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty({ enum: ALERT_TYPES }) type!: string;
  @ApiProperty({ enum: ALERT_SEVERITIES }) severity!: string;
  @ApiProperty({ ...nullableString, description: 'Feature, or model/dataset/split for performance alerts; null for dataset drift' }) feature!: string | null;
  @ApiProperty() message!: string;
  @ApiProperty() threshold!: number;
  @ApiProperty() actualValue!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class NumericSummaryDto {
  @ApiProperty(nullableNumber) mean!: number | null;
  @ApiProperty(nullableNumber) std!: number | null;
  @ApiProperty(nullableNumber) min!: number | null;
  @ApiProperty(nullableNumber) max!: number | null;
  @ApiProperty(nullableNumber) median!: number | null;
}

export class NumericSummariesDto {
  @ApiProperty({ type: NumericSummaryDto }) reference!: NumericSummaryDto;
  @ApiProperty({ type: NumericSummaryDto }) current!: NumericSummaryDto;
}

export class SharedHistogramDto {
  @ApiProperty({ type: [Number], description: 'bins + 1 ascending edges' }) edges!: number[];
  @ApiProperty({ type: [Number] }) reference!: number[];
  @ApiProperty({ type: [Number] }) current!: number[];
}

export class CountsPerLabelDto {
  @ApiProperty() negative!: number;
  @ApiProperty() neutral!: number;
  @ApiProperty() positive!: number;
}

export class LabelCountsDto {
  @ApiProperty({ type: CountsPerLabelDto }) reference!: CountsPerLabelDto;
  @ApiProperty({ type: CountsPerLabelDto }) current!: CountsPerLabelDto;
}

export class FeatureDriftResultDto {
  @ApiProperty({ enum: DRIFT_FEATURES }) feature!: string;
  @ApiProperty({ enum: ['numeric', 'categorical'] }) kind!: string;
  @ApiProperty({ enum: DRIFT_TESTS, description: 'ks / chi_square up to 1,000 reference rows, wasserstein / jensen_shannon above' }) test!: string;
  @ApiProperty({ enum: JUDGEMENT }) status!: string;
  @ApiProperty({ ...nullableNumber, description: 'p-value (ks, chi_square) or distance (wasserstein, jensen_shannon)' }) score!: number | null;
  @ApiProperty() threshold!: number;
  @ApiProperty({ nullable: true, type: Boolean, description: 'null = a window was too small to judge' }) drifted!: boolean | null;
  @ApiProperty({ ...nullableNumber, description: 'Population stability index' }) psi!: number | null;
  @ApiProperty() referenceRows!: number;
  @ApiProperty() currentRows!: number;
  @ApiPropertyOptional({ type: NumericSummariesDto }) summary?: NumericSummariesDto;
  @ApiPropertyOptional({ type: SharedHistogramDto }) histogram?: SharedHistogramDto;
  @ApiPropertyOptional({ type: LabelCountsDto, description: 'predicted_label only' }) counts?: LabelCountsDto;
}

export class DatasetDriftResultDto {
  @ApiProperty({ enum: JUDGEMENT }) status!: string;
  @ApiProperty({ nullable: true, type: Boolean }) drifted!: boolean | null;
  @ApiProperty() driftedFeatures!: number;
  @ApiProperty() evaluatedFeatures!: number;
  @ApiProperty(nullableNumber) share!: number | null;
  @ApiProperty({ example: 0.5 }) threshold!: number;
}

export class PerformanceReferenceDto {
  @ApiProperty() runs!: number;
  @ApiProperty() accuracy!: number;
  @ApiProperty() macroF1!: number;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
}

export class PerformanceCurrentDto {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty() accuracy!: number;
  @ApiProperty() macroF1!: number;
  @ApiProperty({ format: 'date-time' }) finishedAt!: string;
}

export class PerformanceThresholdsDto {
  @ApiProperty({ example: 0.1 }) accuracy!: number;
  @ApiProperty({ example: 0.08 }) macroF1!: number;
}

export class PerformanceDriftResultDto {
  @ApiProperty() model!: string;
  @ApiProperty() dataset!: string;
  @ApiProperty() split!: string;
  @ApiProperty({ enum: JUDGEMENT }) status!: string;
  @ApiProperty({ type: PerformanceReferenceDto, nullable: true }) reference!: PerformanceReferenceDto | null;
  @ApiProperty({ type: PerformanceCurrentDto, nullable: true }) current!: PerformanceCurrentDto | null;
  @ApiProperty(nullableNumber) accuracyDelta!: number | null;
  @ApiProperty(nullableNumber) macroF1Delta!: number | null;
  @ApiProperty({ type: PerformanceThresholdsDto }) thresholds!: PerformanceThresholdsDto;
}

export class CalibrationDto {
  @ApiProperty() dataset!: string;
  @ApiProperty() split!: string;
  @ApiProperty() rows!: number;
  @ApiProperty({ description: 'Labelled accuracy on the calibration rows' }) accuracy!: number;
  @ApiProperty() meanConfidence!: number;
  @ApiProperty({ description: 'Confidence histogram bins mapped to their observed accuracy' }) bins!: number;
  @ApiProperty() expectedCalibrationError!: number;
}

export class MeanConfidenceDto {
  @ApiProperty(nullableNumber) reference!: number | null;
  @ApiProperty(nullableNumber) current!: number | null;
}

export class EstimatedAccuracyResultDto {
  @ApiProperty({ enum: ['calibrated_confidence'], description: "Mean of the window's confidences mapped to the accuracy observed at that confidence on a labelled calibration set" }) method!: string;
  @ApiProperty({ enum: ['ok', 'unavailable', 'insufficient_data'] }) status!: string;
  @ApiProperty(nullableString) reason!: string | null;
  @ApiProperty({ type: CalibrationDto, nullable: true }) calibration!: CalibrationDto | null;
  @ApiProperty(nullableNumber) reference!: number | null;
  @ApiProperty(nullableNumber) current!: number | null;
  @ApiProperty(nullableNumber) delta!: number | null;
  @ApiProperty({ description: 'Alert when the estimate drops by more than this' }) threshold!: number;
  @ApiProperty({ type: MeanConfidenceDto }) meanConfidence!: MeanConfidenceDto;
}

export class WebhookDeliveryDto {
  @ApiProperty({ enum: ['not_configured', 'no_alerts', 'pending', 'delivered', 'failed'], description: 'pending: delivery under way (retries included)' }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty(nullableString) lastError!: string | null;
}

export class DriftWindowSummaryDto {
  @ApiProperty({ enum: ['log', 'dataset'] }) kind!: string;
  @ApiProperty() description!: string;
  @ApiProperty(nullableDate) from!: string | null;
  @ApiProperty(nullableDate) to!: string | null;
  @ApiProperty() rows!: number;
}

export class DriftReportResultDto {
  @ApiProperty(nullableString) model!: string | null;
  @ApiProperty({ type: DriftWindowSummaryDto }) reference!: DriftWindowSummaryDto;
  @ApiProperty({ type: DriftWindowSummaryDto }) current!: DriftWindowSummaryDto;
  @ApiProperty({ type: [FeatureDriftResultDto] }) features!: FeatureDriftResultDto[];
  @ApiProperty({ type: DatasetDriftResultDto }) dataset!: DatasetDriftResultDto;
  @ApiProperty({ type: [PerformanceDriftResultDto] }) performance!: PerformanceDriftResultDto[];
  @ApiProperty({ type: EstimatedAccuracyResultDto }) estimatedAccuracy!: EstimatedAccuracyResultDto;
  @ApiProperty({ type: WebhookDeliveryDto }) webhook!: WebhookDeliveryDto;
}

export class DriftReportDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: REPORT_STATUSES }) status!: string;
  @ApiProperty({ enum: TRIGGERS }) trigger!: string;
  @ApiProperty({ ...nullableString, description: 'API key that queued a manual run' }) requestedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty(nullableDate) startedAt!: string | null;
  @ApiProperty(nullableDate) finishedAt!: string | null;
  @ApiProperty(nullableString) error!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Requested windows and model ({kind: log|dataset, …}); once run, the ones used' })
  parameters!: Record<string, unknown>;
  @ApiProperty({ type: DriftReportResultDto, nullable: true, description: 'Filled once the run completes' }) result!: DriftReportResultDto | null;
  @ApiProperty({ type: [DriftAlertDto] }) alerts!: DriftAlertDto[];
}

export class DriftReportListDto {
  @ApiProperty({ type: [DriftReportDto] }) items!: DriftReportDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class DriftAlertListDto {
  @ApiProperty({ type: [DriftAlertDto] }) items!: DriftAlertDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

// --- Comparison reports ---

export class ComparisonTargetDto {
  @ApiProperty({ enum: ['production', 'candidate'] }) role!: string;
  @ApiProperty({ ...nullableString, description: 'null = the inference default model' }) model!: string | null;
  @ApiProperty({ example: 'tweet_eval' }) dataset!: string;
  @ApiProperty({ example: 'test' }) split!: string;
  @ApiProperty() samples!: number;
}

export class ComparisonEntryDto extends ComparisonTargetDto {
  @ApiProperty({ format: 'uuid', description: 'The child evaluation run' }) runId!: string;
  @ApiProperty({ enum: ['completed', 'failed', 'cancelled', 'missing'] }) status!: string;
  @ApiProperty(nullableString) resolvedModel!: string | null;
  @ApiProperty(nullableNumber) accuracy!: number | null;
  @ApiProperty(nullableNumber) macroF1!: number | null;
  @ApiProperty(nullableNumber) macroRecall!: number | null;
  @ApiProperty(nullableNumber) samplesEvaluated!: number | null;
  @ApiProperty(nullableString) error!: string | null;
}

export class ComparisonDeltaDto {
  @ApiProperty() dataset!: string;
  @ApiProperty() split!: string;
  @ApiProperty() baseline!: string;
  @ApiProperty() candidate!: string;
  @ApiProperty({ description: 'candidate − baseline' }) accuracyDelta!: number;
  @ApiProperty({ description: 'candidate − baseline' }) macroF1Delta!: number;
}

export class ComparisonReportDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: REPORT_STATUSES }) status!: string;
  @ApiProperty({ enum: TRIGGERS }) trigger!: string;
  @ApiProperty(nullableString) requestedBy!: string | null;
  @ApiProperty({ description: 'At least one child did not complete: named in entries, left out of the deltas' }) partial!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty(nullableDate) finishedAt!: string | null;
  @ApiProperty(nullableString) error!: string | null;
  @ApiProperty({ type: [ComparisonTargetDto] }) targets!: ComparisonTargetDto[];
  @ApiProperty({ type: [String], description: 'Child evaluation run ids, in target order' }) runIds!: string[];
  @ApiProperty({ type: [ComparisonEntryDto] }) entries!: ComparisonEntryDto[];
  @ApiProperty({ type: [ComparisonDeltaDto] }) deltas!: ComparisonDeltaDto[];
}

export class ComparisonReportListDto {
  @ApiProperty({ type: [ComparisonReportDto] }) items!: ComparisonReportDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
