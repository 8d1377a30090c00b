import type { Request } from 'express';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** The token of `Authorization: Bearer <token>`, or undefined. */
export const bearerToken = (req: Request): string | undefined => BEARER.exec(req.header('authorization') ?? '')?.[1];

/** The API key a request presents: `X-API-Key`, else `Authorization: Bearer`; undefined when neither (an empty header counts as none). */
export const presentedApiKey = (req: Request): string | undefined => {
  const header = req.header('x-api-key')?.trim();
  return header ? header : bearerToken(req);
};
