import { Controller, Get, Header } from '@nestjs/common';
import { PROMETHEUS_CONTENT_TYPE } from '@sentiment-ops/metrics';
import { WorkerTelemetry } from './worker-telemetry';

@Controller()
export class MetricsController {
  constructor(private readonly telemetry: WorkerTelemetry) {}

  @Get('metrics')
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  metrics(): Promise<string> {
    return this.telemetry.registry.metrics();
  }
}
