import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { API_KEY_PREFIX } from '@sentiment-ops/contracts';

/** SHA-256 of a key (or token): the only form in which the gateway keeps or stores one. */
export const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

/** A new key: the recognisable prefix plus 32 random bytes, base64url (256 bits of entropy). */
export const generateApiKey = (): string => `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;

/**
 * Constant-time comparison of two SHA-256 digests. Comparing hashes rather than keys also makes
 * the inputs the same length, which timingSafeEqual requires.
 */
export const hashesEqual = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

/**
 * The first candidate whose hash equals `hash`. Every candidate is compared (no early exit), so
 * the time taken does not depend on which one matched, or whether any did.
 */
export const findByHash = <T extends { hash: Buffer }>(candidates: readonly T[], hash: Buffer): T | undefined => {
  let found: T | undefined;
  for (const candidate of candidates) {
    if (hashesEqual(candidate.hash, hash) && found === undefined) found = candidate;
  }
  return found;
};
