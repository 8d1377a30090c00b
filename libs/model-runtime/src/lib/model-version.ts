import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

const HASH_CHUNK_BYTES = 1 << 20;

/**
 * First 12 hex digits of the file's SHA-256: identifies the exact weights a replica serves. Reads
 * through one reused buffer: a read stream allocates a fresh chunk per read, and for a 231 MB
 * model the freed chunks stayed in the process as ~160 MB of RSS (measured, docs/benchmarks.md).
 */
export const hashFile = async (path: string): Promise<string> => {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
  const file = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex').slice(0, 12);
};

/** Finds a downloaded hub file in the cache without depending on the cache's exact layout. */
export const findCachedFile = (root: string, relativePath: string, depth = 5): string | undefined => {
  if (!existsSync(root) || depth < 0) return undefined;
  const direct = join(root, relativePath);
  if (existsSync(direct) && statSync(direct).isFile()) return direct;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const found = findCachedFile(join(root, entry.name), relativePath, depth - 1);
    if (found) return found;
  }
  return undefined;
};
