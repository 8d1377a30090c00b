import { Injectable, NotFoundException, type StreamableFile } from '@nestjs/common';
import type { ComparisonReport } from '@sentiment-ops/contracts';
import { ComparisonReportRepository } from '@sentiment-ops/persistence';
import type { ReportListQuery } from '../report-queries';
import { renderingResponse, type RenderingFormat } from '../report-renderings';

@Injectable()
export class ComparisonsService {
  constructor(private readonly reports: ComparisonReportRepository) {}

  async list(query: ReportListQuery) {
    const { items, total } = await this.reports.list(query);
    return { items, total, limit: query.limit, offset: query.offset };
  }

  async get(id: string): Promise<ComparisonReport> {
    const report = await this.reports.get(id);
    if (!report) throw new NotFoundException(`comparison report ${id} not found`);
    return report;
  }

  async rendering(id: string, format: RenderingFormat): Promise<StreamableFile> {
    return renderingResponse('comparison report', id, await this.reports.rendering(id, format), format);
  }
}
