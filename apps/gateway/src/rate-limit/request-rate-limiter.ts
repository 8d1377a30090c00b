import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Principal } from '../auth/principal';
import { TooManyRequestsException } from '../common/too-many-requests.exception';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { GatewayTelemetry } from '../metrics/gateway-telemetry';
import { RateLimitStore } from './rate-limit.store';

const WINDOW_MS = 60_000;
// One warning per interval while Redis is unreachable, not one per request.
const WARN_INTERVAL_MS = 30_000;

/**
 * Requests per minute per API key, or per client IP for callers without a valid key. Counted in
 * Redis so the limit holds across replicas. If Redis cannot be asked, the request goes through
 * (fail open) with a warning and `http_rate_limiter_errors_total`: predictions already fail fast
 * without Redis, and every other endpoint should not turn into a 500 because of the limiter.
 */
@Injectable()
export class RequestRateLimiter {
  private readonly logger = new Logger(RequestRateLimiter.name);
  private lastWarning = 0;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly store: RateLimitStore,
    private readonly telemetry: GatewayTelemetry,
  ) {}

  /** Counts the request; sets the RateLimit-* headers; throws TooManyRequestsException (429) over the limit. */
  async check(req: Request, res: Response, principal: Principal): Promise<void> {
    const scope = principal.kind === 'key' ? 'key' : 'ip';
    const limit = scope === 'key' ? this.config.rateLimit.perKeyPerMinute : this.config.rateLimit.perIpPerMinute;
    if (limit === 0) return;
    const bucket = principal.kind === 'key' ? `key:${principal.name}` : `ip:${req.ip ?? 'unknown'}`;
    let counted;
    try {
      counted = await this.store.hit(bucket, WINDOW_MS);
    } catch (error) {
      this.telemetry.security.rateLimiterErrorsTotal.inc();
      this.warn(error as Error);
      return;
    }
    const resetSeconds = Math.max(1, Math.ceil(counted.resetMs / 1000));
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, limit - counted.count)));
    res.setHeader('RateLimit-Reset', String(resetSeconds));
    if (counted.count <= limit) return;
    this.telemetry.security.rateLimitedTotal.inc({ scope });
    const who = principal.kind === 'key' ? `API key ${principal.name}` : 'this client address';
    const variable = scope === 'key' ? 'RATE_LIMIT_PER_KEY_PER_MINUTE' : 'RATE_LIMIT_PER_IP_PER_MINUTE';
    throw new TooManyRequestsException(`rate limit exceeded: ${who} may make ${limit} requests per minute (${variable}); retry in ${resetSeconds} s`, resetSeconds);
  }

  private warn(error: Error): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_INTERVAL_MS) return;
    this.lastWarning = now;
    this.logger.warn(`rate limiting is not enforced while Redis cannot be reached (failing open): ${error.message}`);
  }
}
