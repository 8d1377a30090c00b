import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** First 12 hex digits of the file's SHA-256: identifies the exact weights a replica serves. */
export const hashFile = (path: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex').slice(0, 12)));
  });

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
