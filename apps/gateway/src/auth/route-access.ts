import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ACCESS_METADATA, type AccessLevel } from './access.decorators';

export interface RouteAccess {
  method: string;
  path: string;
  /** undefined = the route declares nothing (an error: see assertEveryRouteDeclaresAccess). */
  access: AccessLevel | undefined;
}

const joinPath = (...parts: (string | undefined)[]): string =>
  `/${parts
    .flatMap((part) => (part ?? '').split('/'))
    .filter(Boolean)
    .join('/')}`;

/** Every route of these controllers with the access level it declares (method level wins over class level). */
export const describeRoutes = (controllers: readonly Type[]): RouteAccess[] =>
  controllers.flatMap((controller) => {
    const base = Reflect.getMetadata(PATH_METADATA, controller) as string | undefined;
    const classAccess = Reflect.getMetadata(ACCESS_METADATA, controller) as AccessLevel | undefined;
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype)
      .filter((name) => name !== 'constructor' && typeof prototype[name] === 'function')
      .map((name) => prototype[name] as object)
      .filter((handler) => Reflect.hasMetadata(METHOD_METADATA, handler))
      .map((handler) => ({
        method: RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod],
        path: joinPath(base, Reflect.getMetadata(PATH_METADATA, handler) as string | undefined),
        access: (Reflect.getMetadata(ACCESS_METADATA, handler) as AccessLevel | undefined) ?? classAccess,
      }));
  });

/** Start-up check: a route without a declared access level stops the gateway, naming the route. */
export const assertEveryRouteDeclaresAccess = (controllers: readonly Type[]): void => {
  const open = describeRoutes(controllers).filter((route) => route.access === undefined);
  if (open.length > 0) {
    throw new Error(`routes without an access level (add @Public(), @RequireRole(…) or @RequireMetricsToken()): ${open.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  }
};
