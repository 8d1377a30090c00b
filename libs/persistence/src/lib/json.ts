import { PersistenceErrorCode, PersistenceException } from './persistence.errors';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export interface JsonObject {
  [key: string]: JsonValue;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/** Path of the first value JSON.stringify would silently change (NaN/Infinity → null, undefined dropped), or null. */
const lossyPath = (value: unknown, path: string): string | null => {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = lossyPath(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const found = lossyPath(child, `${path}.${key}`);
      if (found) return found;
    }
    return null;
  }
  return path; // undefined, functions, Dates, class instances, bigint
};

/**
 * Serialises a JSON object for a jsonb parameter. Rejects what would not round-trip, because a
 * metric stored as null (from NaN) would read back as a silently different value.
 */
export function toJsonObject(name: string, value: unknown): string {
  if (!isPlainObject(value)) {
    throw new PersistenceException(PersistenceErrorCode.InvalidArgument, `${name} must be a plain JSON object`);
  }
  const bad = lossyPath(value, name);
  if (bad) {
    throw new PersistenceException(PersistenceErrorCode.InvalidArgument, `${bad} is not JSON (finite numbers, strings, booleans, null, arrays, objects)`);
  }
  return JSON.stringify(value);
}

export const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);
