import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { roleIncludes, type ApiKeyRole } from '@sentiment-ops/contracts';
import type { Request, Response } from 'express';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { GatewayTelemetry } from '../metrics/gateway-telemetry';
import { RequestRateLimiter } from '../rate-limit/request-rate-limiter';
import { ACCESS_METADATA, type AccessLevel } from './access.decorators';
import { hashesEqual, hashSecret } from './api-key-crypto';
import { ApiKeyStore } from './api-key.store';
import { AuthenticationException, InsufficientRoleException } from './auth.errors';
import { bearerToken, presentedApiKey } from './credentials';
import { ANONYMOUS, setPrincipal, type Principal } from './principal';

const HOW_TO_AUTHENTICATE = 'send Authorization: Bearer <key> or X-API-Key: <key>';

/**
 * The one place that decides who may call what (global guard). Order: identify the caller, count
 * the request against its rate limit (a bad key counts against the client address, so guessing
 * keys is throttled too), then check the role the route declares.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly keys: ApiKeyStore,
    private readonly rateLimiter: RequestRateLimiter,
    private readonly telemetry: GatewayTelemetry,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]);
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    // The start-up audit makes this unreachable; if it ever is not, refuse rather than serve.
    if (!access) throw new Error(`no access level declared for ${req.method} ${req.path}`);
    switch (access.kind) {
      case 'metrics-token':
        this.checkMetricsToken(req);
        return true;
      case 'public':
        if (access.rateLimited) await this.rateLimiter.check(req, res, ANONYMOUS);
        return true;
      case 'role':
        await this.checkRole(req, res, access.role);
        return true;
    }
  }

  /**
   * Identifies the caller, rate-limits it and checks its role; throws AuthenticationException or
   * InsufficientRoleException. Also used by Express routers outside Nest's guards (the queue board).
   */
  async checkRole(req: Request, res: Response, needed: ApiKeyRole): Promise<void> {
    const presented = presentedApiKey(req);
    const principal: Principal | null = presented === undefined ? ANONYMOUS : await this.keys.authenticate(presented);
    setPrincipal(req, principal ?? ANONYMOUS);
    await this.rateLimiter.check(req, res, principal ?? ANONYMOUS);
    if (principal === null) throw this.refuse('invalid', new AuthenticationException(`invalid or revoked API key; ${HOW_TO_AUTHENTICATE}`));
    if (principal.kind === 'anonymous') {
      if (needed === 'predict' && this.config.auth.publicPredict) return;
      throw this.refuse('missing', new AuthenticationException(`missing API key: this endpoint needs a key with role ${needed}; ${HOW_TO_AUTHENTICATE}`));
    }
    if (!roleIncludes(principal.role, needed)) {
      throw this.refuse('forbidden', new InsufficientRoleException(`API key ${principal.name} has role ${principal.role}; this endpoint needs role ${needed}`));
    }
  }

  private checkMetricsToken(req: Request): void {
    const expected = this.config.auth.metricsTokenHash;
    if (expected === null) return; // open: restrict /admin/metrics at the network level (docs/security.md)
    const token = bearerToken(req);
    if (token === undefined || !hashesEqual(hashSecret(token), expected)) {
      throw this.refuse('metrics_token', new AuthenticationException('this endpoint needs the metrics token: Authorization: Bearer <METRICS_TOKEN>'));
    }
  }

  private refuse(reason: string, error: Error): Error {
    this.telemetry.security.authFailuresTotal.inc({ reason });
    return error;
  }
}
