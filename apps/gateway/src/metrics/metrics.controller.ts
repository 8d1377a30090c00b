import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PROMETHEUS_CONTENT_TYPE } from '@sentiment-ops/metrics';
import { RequireMetricsToken, RequireRole } from '../auth/access.decorators';
import { GatewayTelemetry } from './gateway-telemetry';

@ApiTags('admin')
@Controller('admin')
export class MetricsController {
  constructor(private readonly telemetry: GatewayTelemetry) {}

  // Scraped by Prometheus: its own token (METRICS_TOKEN), not an API key; never rate limited.
  @Get('metrics')
  @RequireMetricsToken()
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  @ApiOperation({ summary: 'Prometheus metrics of the gateway (text exposition format 0.0.4); needs METRICS_TOKEN as a bearer token when it is set' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'sentiment_* (reference names), http_*, rpc_client_*, process_* and nodejs_* series', type: String })
  metrics(): Promise<string> {
    return this.telemetry.registry.metrics();
  }

  // The same series for the /admin/dashboard page, which a person opens with an operator key.
  @Get('dashboard/metrics')
  @RequireRole('operator')
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  @ApiOperation({ summary: 'The metrics of /admin/metrics for the dashboard page (operator key instead of METRICS_TOKEN)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ type: String })
  dashboardMetrics(): Promise<string> {
    return this.telemetry.registry.metrics();
  }
}
