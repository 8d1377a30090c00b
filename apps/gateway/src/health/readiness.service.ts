import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { InferenceClient } from '@sentiment-ops/inference-client';

export interface Readiness {
  ready: boolean;
  checkedAt: number;
  reason?: string;
  model?: string;
}

/**
 * Ready means a real prediction round trip works now. The result is cached briefly so that
 * frequent probes do not each cost a model run.
 */
@Injectable()
export class ReadinessService {
  private last?: Readiness;
  private inFlight?: Promise<Readiness>;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly inference: InferenceClient,
  ) {}

  async check(): Promise<Readiness> {
    if (this.last && Date.now() - this.last.checkedAt < this.config.health.readyCacheMs) return this.last;
    this.inFlight ??= this.probe().finally(() => (this.inFlight = undefined));
    this.last = await this.inFlight;
    return this.last;
  }

  private async probe(): Promise<Readiness> {
    try {
      const response = await this.inference.predict(['readiness probe'], { timeoutMs: this.config.health.timeoutMs });
      return { ready: response.predictions.length === 1, checkedAt: Date.now(), model: response.model.name };
    } catch (error) {
      return { ready: false, checkedAt: Date.now(), reason: (error as Error).message };
    }
  }
}
