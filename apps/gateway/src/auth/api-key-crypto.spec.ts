import * as crypto from 'node:crypto';
import fc from 'fast-check';
import { findByHash, generateApiKey, hashesEqual, hashSecret } from './api-key-crypto';

jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});
const timingSafeEqual = crypto.timingSafeEqual as jest.MockedFunction<typeof crypto.timingSafeEqual>;

describe('API key crypto', () => {
  beforeEach(() => timingSafeEqual.mockClear());

  it('generates prefixed base64url keys carrying 32 random bytes', () => {
    const keys = Array.from({ length: 50 }, generateApiKey);
    for (const key of keys) {
      expect(key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
    }
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('hashes with SHA-256 (32 bytes, deterministic)', () => {
    expect(hashSecret('sk_abc')).toEqual(crypto.createHash('sha256').update('sk_abc').digest());
    expect(hashSecret('sk_abc')).toHaveLength(32);
  });

  it('compares hashes with crypto.timingSafeEqual, never with ===', () => {
    expect(hashesEqual(hashSecret('a'), hashSecret('a'))).toBe(true);
    expect(hashesEqual(hashSecret('a'), hashSecret('b'))).toBe(false);
    expect(timingSafeEqual).toHaveBeenCalledTimes(2);
  });

  it('compares a presented hash with every candidate, whichever matches', () => {
    const candidates = ['one', 'two', 'three'].map((name) => ({ name, hash: hashSecret(`sk_${name}`) }));
    expect(findByHash(candidates, hashSecret('sk_one'))?.name).toBe('one');
    expect(timingSafeEqual).toHaveBeenCalledTimes(3);
    timingSafeEqual.mockClear();
    expect(findByHash(candidates, hashSecret('sk_nope'))).toBeUndefined();
    expect(timingSafeEqual).toHaveBeenCalledTimes(3);
  });

  it('matches exactly the key that was hashed (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        expect(hashesEqual(hashSecret(a), hashSecret(b))).toBe(a === b);
      }),
    );
  });
});
