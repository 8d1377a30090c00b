import { Injectable, NotFoundException, type StreamableFile } from '@nestjs/common';
import type { DatasetWindow, DriftReport, DriftRunBody, DriftRunParameters } from '@sentiment-ops/contracts';
import { getDataset, isDatasetError } from '@sentiment-ops/datasets';
import { DriftReportRepository } from '@sentiment-ops/persistence';
import { fieldError } from '../../common/request-validation';
import { ModelReferenceResolver } from '../../models/model-reference.resolver';
import { ManualRuns } from '../manual-runs';
import type { AlertListQuery, ReportListQuery } from '../report-queries';
import { renderingResponse, type RenderingFormat } from '../report-renderings';
import { driftReportUrl } from '../report-urls';

export interface DriftRunAccepted {
  reportId: string;
  jobId: string;
  status: 'queued';
  statusUrl: string;
}

@Injectable()
export class DriftService {
  constructor(
    private readonly reports: DriftReportRepository,
    private readonly runs: ManualRuns,
    private readonly models: ModelReferenceResolver,
  ) {}

  /** Queues a drift report with the caller's windows; absent ones take the worker's defaults when it starts. */
  async run(body: DriftRunBody, requestedBy: string | null): Promise<DriftRunAccepted> {
    const parameters = await this.parameters(body);
    const queued = await this.runs.drift(parameters, requestedBy);
    return { ...queued, status: 'queued', statusUrl: driftReportUrl(queued.reportId) };
  }

  async list(query: ReportListQuery) {
    const { items, total } = await this.reports.list(query);
    return { items, total, limit: query.limit, offset: query.offset };
  }

  async get(id: string): Promise<DriftReport> {
    const report = await this.reports.get(id);
    if (!report) throw new NotFoundException(`drift report ${id} not found`);
    return report;
  }

  async rendering(id: string, format: RenderingFormat): Promise<StreamableFile> {
    return renderingResponse('drift report', id, await this.reports.rendering(id, format), format);
  }

  async alerts(query: AlertListQuery) {
    const { items, total } = await this.reports.listAlerts(query);
    return { items, total, limit: query.limit, offset: query.offset };
  }

  private async parameters(body: DriftRunBody): Promise<Partial<DriftRunParameters>> {
    const parameters: Partial<DriftRunParameters> = {};
    if (body.model !== undefined) parameters.model = await this.models.resolve(body.model, 'model', 'body');
    if (body.reference !== undefined) {
      parameters.reference = 'dataset' in body.reference ? this.datasetReference(body.reference) : { kind: 'log', from: body.reference.from, to: body.reference.to };
    }
    if (body.current !== undefined) parameters.current = { kind: 'log', from: body.current.from, to: body.current.to };
    return parameters;
  }

  /** The canonical dataset name and a split it has, checked now rather than when the worker starts. */
  private datasetReference(reference: Omit<DatasetWindow, 'kind'>): DatasetWindow {
    let dataset;
    try {
      dataset = getDataset(reference.dataset);
    } catch (error) {
      if (isDatasetError(error)) throw fieldError('body', 'reference.dataset', error.message, 'unknown_dataset');
      throw error;
    }
    if (!dataset.splits.includes(reference.split)) {
      throw fieldError('body', 'reference.split', `unknown split "${reference.split}" of ${dataset.name}; valid: ${dataset.splits.join(', ')}`, 'unknown_split');
    }
    return { kind: 'dataset', dataset: dataset.name, split: reference.split, samples: reference.samples, seed: reference.seed };
  }
}
