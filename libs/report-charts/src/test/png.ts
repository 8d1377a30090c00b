import { PNG } from 'pngjs';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function hasPngSignature(png: Buffer): boolean {
  return png.subarray(0, 8).equals(PNG_SIGNATURE);
}

/** Width and height from the IHDR chunk, which the PNG spec requires to come first. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (!hasPngSignature(png) || png.toString('ascii', 12, 16) !== 'IHDR') throw new Error('not a PNG with a leading IHDR chunk');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Pixels that are visibly not the white page (anti-aliasing fringe below `tolerance` ignored). */
export function inkPixels(png: Buffer, tolerance = 24): number {
  const { data, width, height } = PNG.sync.read(png);
  let ink = 0;
  for (let offset = 0; offset < width * height * 4; offset += 4) {
    const darkest = Math.min(data[offset], data[offset + 1], data[offset + 2]);
    if (data[offset + 3] > 0 && 255 - darkest > tolerance) ink += 1;
  }
  return ink;
}

/** Every `name` of a (nested) Vega-Lite spec, to find panels without rendering. */
export function specNames(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(specNames);
  if (node === null || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  const own = typeof record['name'] === 'string' ? [record['name'] as string] : [];
  return [...own, ...Object.values(record).flatMap(specNames)];
}

/** The first panel of a spec with this name. */
export function findPanel(node: unknown, name: string): Record<string, unknown> | undefined {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = findPanel(child, name);
      if (found) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  const record = node as Record<string, unknown>;
  if (record['name'] === name) return record;
  return findPanel(Object.values(record), name);
}
