import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ApiKeyRole } from '@sentiment-ops/contracts';
import type { Request } from 'express';

/** Who is calling: a key (by name, never by value) or nobody. */
export type Principal = { kind: 'key'; name: string; role: ApiKeyRole; source: 'env' | 'database' } | { kind: 'anonymous' };

export const ANONYMOUS: Principal = { kind: 'anonymous' };

interface RequestWithPrincipal extends Request {
  principal?: Principal;
}

export const setPrincipal = (req: Request, principal: Principal): void => {
  (req as RequestWithPrincipal).principal = principal;
};

export const principalOf = (req: Request): Principal => (req as RequestWithPrincipal).principal ?? ANONYMOUS;

/** What logs show for the caller: the key's name, or `-`. */
export const callerLabel = (req: Request): string => {
  const principal = principalOf(req);
  return principal.kind === 'key' ? principal.name : '-';
};

/** The caller of the current request, as the access guard identified it. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => principalOf(context.switchToHttp().getRequest<Request>()));
