import { Inject, Injectable, Logger } from '@nestjs/common';
import type { WebhookDelivery } from '@sentiment-ops/contracts';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker.config';
import { WorkerTelemetry } from '../metrics/worker-telemetry';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Posts alert notifications to ALERT_WEBHOOK_URL as JSON, retrying network errors, timeouts, 429
 * and 5xx with exponential backoff. Other 4xx are not retried (the receiver refused the body). The
 * URL may carry a token, so only its origin is ever logged.
 */
@Injectable()
export class AlertWebhook {
  private readonly logger = new Logger(AlertWebhook.name);

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly telemetry: WorkerTelemetry,
  ) {}

  get configured(): boolean {
    return Boolean(this.config.alerts.webhookUrl);
  }

  async deliver(body: object): Promise<WebhookDelivery> {
    const { webhookUrl, attempts, timeoutMs, backoffMs } = this.config.alerts;
    if (!webhookUrl) return { status: 'not_configured', attempts: 0, lastError: null };
    const origin = new URL(webhookUrl).origin;
    let lastError: string | null = null;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await fetch(webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'sentiment-ops-alerts/1' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) {
          this.telemetry.drift.webhookDeliveriesTotal.inc({ outcome: 'delivered' });
          this.logger.log(`alert webhook ${origin}: delivered (attempt ${attempt})`);
          return { status: 'delivered', attempts: attempt, lastError: null };
        }
        lastError = `HTTP ${response.status}`;
        if (response.status < 500 && response.status !== 429) {
          return this.failed(origin, attempt, lastError);
        }
      } catch (error) {
        lastError = (error as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (error as Error).message;
      }
      this.logger.warn(`alert webhook ${origin}: attempt ${attempt}/${attempts} failed: ${lastError}`);
      if (attempt < attempts) await sleep(backoffMs * 2 ** (attempt - 1));
    }
    return this.failed(origin, attempts, lastError);
  }

  private failed(origin: string, attempts: number, lastError: string | null): WebhookDelivery {
    this.telemetry.drift.webhookDeliveriesTotal.inc({ outcome: 'failed' });
    this.logger.error(`alert webhook ${origin}: not delivered after ${attempts} attempt(s): ${lastError}`);
    return { status: 'failed', attempts, lastError };
  }
}
