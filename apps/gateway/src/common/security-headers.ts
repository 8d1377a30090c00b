import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

// Our own pages (/ and /admin/dashboard) load only same-origin scripts and styles and set no
// inline styles (bar widths go through the CSSOM, which CSP does not restrict).
const STRICT_DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  // Plain HTTP is how the gateway runs behind a TLS proxy and on localhost: do not rewrite to https.
  upgradeInsecureRequests: null,
};

// Swagger UI (served by @nestjs/swagger) loads its scripts from /docs/ but its page has inline
// <style> blocks and style attributes, and its CSS embeds icons as data: URIs. Only /docs gets this.
const SWAGGER_DIRECTIVES = { ...STRICT_DIRECTIVES, styleSrc: ["'self'", "'unsafe-inline'"], fontSrc: ["'self'", 'data:'] };

const headers = (directives: typeof STRICT_DIRECTIVES) =>
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });

/** helmet's headers on every response, with the CSP each page needs (the strict one unless under /docs). */
export const securityHeaders = (): ((req: Request, res: Response, next: NextFunction) => void) => {
  const strict = headers(STRICT_DIRECTIVES);
  const swagger = headers(SWAGGER_DIRECTIVES);
  return (req, res, next) => (req.path === '/docs' || req.path.startsWith('/docs/') || req.path === '/docs-json' ? swagger : strict)(req, res, next);
};
