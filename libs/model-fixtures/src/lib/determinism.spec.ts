import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFixtureModel } from './fixture-model';
import { createSession, maxAbsDiff, runLogits, removeTempDirs, tempDir } from './testing/ort-helpers';

const ROWS = [[0, 300, 301, 415, 500, 612, 2], [0, 290, 2]];

async function logitsOf(dir: string, file: string): Promise<number[][]> {
  const session = await createSession(join(dir, file));
  try {
    return await runLogits(session, ROWS);
  } finally {
    await session.release();
  }
}

afterAll(removeTempDirs);
describe('fixture determinism', () => {
  it('writes byte-identical files for the same seed', async () => {
    const a = await buildFixtureModel({ size: 'tiny', outDir: tempDir('det-a'), seed: 7 });
    const b = await buildFixtureModel({ size: 'tiny', outDir: tempDir('det-b'), seed: 7 });
    expect(b.files.map((f) => f.path)).toEqual(a.files.map((f) => f.path));
    for (const { path } of a.files) {
      expect(readFileSync(join(b.dir, path)).equals(readFileSync(join(a.dir, path)))).toBe(true);
    }
  });

  it('gives different weights and logits for a different seed, with the same tokenizer', async () => {
    const a = await buildFixtureModel({ size: 'tiny', outDir: tempDir('det-c'), seed: 1 });
    const b = await buildFixtureModel({ size: 'tiny', outDir: tempDir('det-d'), seed: 2 });
    expect(readFileSync(join(b.dir, 'tokenizer.json')).equals(readFileSync(join(a.dir, 'tokenizer.json')))).toBe(true);
    for (const file of ['onnx/model.onnx', 'onnx/model_quantized.onnx']) {
      expect(readFileSync(join(b.dir, file)).equals(readFileSync(join(a.dir, file)))).toBe(false);
      expect(maxAbsDiff(await logitsOf(a.dir, file), await logitsOf(b.dir, file))).toBeGreaterThan(0.01);
    }
    expect((a.config['_fixture'] as { seed: number }).seed).toBe(1);
    expect((b.config['_fixture'] as { seed: number }).seed).toBe(2);
  });
});
