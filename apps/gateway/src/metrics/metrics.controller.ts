import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PROMETHEUS_CONTENT_TYPE } from '@sentiment-ops/metrics';
import { GatewayTelemetry } from './gateway-telemetry';

@ApiTags('admin')
@Controller('admin')
export class MetricsController {
  constructor(private readonly telemetry: GatewayTelemetry) {}

  @Get('metrics')
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  @ApiOperation({ summary: 'Prometheus metrics of the gateway (text exposition format 0.0.4)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'sentiment_* (reference names), http_*, rpc_client_*, process_* and nodejs_* series', type: String })
  metrics(): Promise<string> {
    return this.telemetry.registry.metrics();
  }
}
