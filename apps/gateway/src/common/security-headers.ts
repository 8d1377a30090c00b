import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { QUEUE_BOARD_PATH } from '../queue-board/queue-board';

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

// Bull Board (/admin/queues) loads its scripts and CSS from /admin/queues/static/ but its page has
// inline style attributes and a <style> block, and React sets inline styles. Its Google Fonts
// stylesheet stays blocked (the page falls back to local fonts): nothing leaves the origin.
const QUEUE_BOARD_DIRECTIVES = { ...STRICT_DIRECTIVES, styleSrc: ["'self'", "'unsafe-inline'"], fontSrc: ["'self'", 'data:'] };

const headers = (directives: typeof STRICT_DIRECTIVES) =>
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });

const under = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}/`);

/** helmet's headers on every response, with the CSP each page needs (the strict one unless under /docs or /admin/queues). */
export const securityHeaders = (): ((req: Request, res: Response, next: NextFunction) => void) => {
  const strict = headers(STRICT_DIRECTIVES);
  const swagger = headers(SWAGGER_DIRECTIVES);
  const queueBoard = headers(QUEUE_BOARD_DIRECTIVES);
  return (req, res, next) => {
    if (under(req.path, '/docs') || req.path === '/docs-json') return swagger(req, res, next);
    if (under(req.path, QUEUE_BOARD_PATH)) return queueBoard(req, res, next);
    return strict(req, res, next);
  };
};
