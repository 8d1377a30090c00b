import { ConflictException, NotFoundException, StreamableFile } from '@nestjs/common';
import type { ReportRenderingFormat, StoredRendering } from '@sentiment-ops/persistence';

export type RenderingFormat = ReportRenderingFormat;

const CONTENT_TYPES: Record<RenderingFormat, string> = { md: 'text/markdown; charset=utf-8', png: 'image/png' };

/**
 * A stored Markdown or PNG rendering as a response body. A report that exists but has not completed
 * has no rendering yet: 409 with its status (and its error when it failed), not a 404.
 */
export const renderingResponse = (
  kind: 'drift report' | 'comparison report',
  id: string,
  report: StoredRendering | null,
  format: RenderingFormat,
): StreamableFile => {
  if (!report) throw new NotFoundException(`${kind} ${id} not found`);
  const { content } = report;
  if (report.status !== 'completed' || content === null) {
    const why = report.status === 'failed' ? `failed (${report.error ?? 'no error recorded'})` : `is ${report.status}`;
    throw new ConflictException(`${kind} ${id} ${why}: its ${format === 'md' ? 'Markdown' : 'PNG'} rendering exists once it completes`);
  }
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const file = `${kind.replace(' report', '')}-report-${id}.${format}`;
  return new StreamableFile(body, { type: CONTENT_TYPES[format], length: body.length, disposition: `inline; filename="${file}"` });
};
