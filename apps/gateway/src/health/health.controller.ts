import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { freemem, platform, totalmem } from 'node:os';
import { Public } from '../auth/access.decorators';
import { APP_VERSION } from '../version';
import { ReadinessService } from './readiness.service';
import { SystemHealthService } from './system-health.service';

// Probes: open, and never rate limited (an orchestrator polling them must not be refused).
@ApiTags('health')
@Public({ rateLimited: false })
@Controller()
export class HealthController {
  constructor(
    private readonly system: SystemHealthService,
    private readonly readiness: ReadinessService,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Redis, inference replicas (RPC ping), loaded model and version, memory and disk' })
  @ApiOkResponse({ description: '`status: "healthy"`; `checks` holds the Terminus result per dependency' })
  @ApiServiceUnavailableResponse({ description: '`status: "unhealthy"` when any dependency is down' })
  async health(@Res({ passthrough: true }) res: Response) {
    const { healthy, checks, ping, pingError } = await this.system.check();
    res.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    const total = totalmem();
    const available = freemem();
    return {
      status: healthy ? 'healthy' : 'unhealthy',
      timestamp: Date.now() / 1000,
      version: APP_VERSION,
      model: ping
        ? { name: ping.model.name, version: ping.model.version, dtype: ping.model.dtype, status: 'available', error: null }
        : { name: null, version: null, dtype: null, status: 'unavailable', error: pingError ?? 'inference did not answer' },
      system: {
        platform: platform(),
        node: process.version,
        memory: { total, available, percent_used: Math.round((1 - available / total) * 1000) / 10, rss: process.memoryUsage.rss() },
      },
      checks,
    };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Ready once a prediction round trip through an inference replica works' })
  @ApiOkResponse({ description: '{"status":"ready"}' })
  @ApiServiceUnavailableResponse({ description: '{"status":"not_ready","reason":...}' })
  async ready(@Res({ passthrough: true }) res: Response) {
    const readiness = await this.readiness.check();
    if (readiness.ready) return { status: 'ready', model: readiness.model };
    res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'not_ready', reason: readiness.reason };
  }

  @Get('live')
  @ApiOperation({ summary: 'The process answers (no dependency checks)' })
  @ApiOkResponse({ description: '{"status":"alive"}' })
  live() {
    return { status: 'alive' };
  }
}
