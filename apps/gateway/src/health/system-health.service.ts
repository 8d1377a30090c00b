import { Inject, Injectable } from '@nestjs/common';
import { DiskHealthIndicator, HealthCheckService, HealthIndicatorService, MemoryHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import type { PingResponse } from '@sentiment-ops/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { InferenceClient } from '@sentiment-ops/inference-client';
import { RedisHealthIndicator } from './redis-health';

export interface SystemHealth {
  healthy: boolean;
  checks: HealthCheckResult;
  ping?: PingResponse;
  pingError?: string;
}

/** Runs every dependency check, each bounded by HEALTH_TIMEOUT_MS. */
@Injectable()
export class SystemHealthService {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisHealthIndicator,
    private readonly memory: MemoryHealthIndicator,
    private readonly disk: DiskHealthIndicator,
    private readonly inference: InferenceClient,
  ) {}

  async check(): Promise<SystemHealth> {
    const { health } = this.config;
    let ping: PingResponse | undefined;
    let pingError: string | undefined;
    const inferenceCheck = async () => {
      const indicator = this.indicators.check('inference');
      try {
        ping = await this.inference.ping(health.timeoutMs);
        return indicator.up({ replicaId: ping.replicaId, uptimeSeconds: ping.uptimeSeconds });
      } catch (error) {
        pingError = (error as Error).message;
        return indicator.down({ message: pingError });
      }
    };
    const modelCheck = async () => {
      const indicator = this.indicators.check('model');
      return ping
        ? indicator.up({ name: ping.model.name, version: ping.model.version, dtype: ping.model.dtype, loadedAt: ping.modelLoadedAt })
        : indicator.down({ message: `no replica reported a loaded model (${pingError ?? 'no answer'})` });
    };
    try {
      const checks = await this.health.check([
        () => this.redis.check('redis'),
        // The model check reads the ping's answer, so the two run in order.
        async () => ({ ...(await inferenceCheck()), ...(await modelCheck()) }),
        () => this.memory.checkRSS('memory_rss', health.rssLimitBytes),
        () => this.disk.checkStorage('disk', { path: health.diskPath, thresholdPercent: health.diskThresholdPercent }),
      ]);
      return { healthy: true, checks, ping };
    } catch (error) {
      const checks = (error as { getResponse?: () => HealthCheckResult }).getResponse?.();
      if (!checks) throw error;
      return { healthy: false, checks, ping, pingError };
    }
  }
}
