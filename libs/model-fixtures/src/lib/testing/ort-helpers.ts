// Helpers for this library's specs only (not exported from the package entry point).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { decodeModel } from '../onnx-proto';

export const PAD_ID = 1;

const created: string[] = [];

/** A fresh folder under the OS temp dir; specs call `removeTempDirs` in afterAll. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `model-fixtures-${prefix}-`));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function createSession(path: string): Promise<InferenceSession> {
  return InferenceSession.create(path, { executionProviders: ['cpu'], intraOpNumThreads: 1, logSeverityLevel: 3 });
}

/** Right-pads rows with <pad> (id 1) to `length` (default: the longest row), with a matching mask. */
export function padBatch(rows: readonly number[][], length = Math.max(...rows.map((r) => r.length))) {
  const ids: bigint[] = [];
  const mask: bigint[] = [];
  for (const row of rows) {
    for (let i = 0; i < length; i++) {
      ids.push(BigInt(i < row.length ? row[i] : PAD_ID));
      mask.push(i < row.length ? 1n : 0n);
    }
  }
  const dims = [rows.length, length];
  return {
    input_ids: new Tensor('int64', BigInt64Array.from(ids), dims),
    attention_mask: new Tensor('int64', BigInt64Array.from(mask), dims),
  };
}

/** Logits per row, for right-padded input. */
export async function runLogits(session: InferenceSession, rows: readonly number[][], length?: number): Promise<number[][]> {
  const { logits } = await session.run(padBatch(rows, length));
  const [batch, labels] = logits.dims;
  const data = Array.from(logits.data as Float32Array);
  return Array.from({ length: batch }, (_, i) => data.slice(i * labels, (i + 1) * labels));
}

export function maxAbsDiff(a: readonly number[][], b: readonly number[][]): number {
  let max = 0;
  a.forEach((row, i) => row.forEach((v, j) => (max = Math.max(max, Math.abs(v - b[i][j])))));
  return max;
}

export function softmax(row: readonly number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((x) => Math.exp(x - m));
  const s = e.reduce((x, y) => x + y, 0);
  return e.map((x) => x / s);
}

/** Float32 initializers of an ONNX file by name (int8/int64 ones are skipped). */
export function readFloatInitializers(path: string): Map<string, Float32Array> {
  const model = decodeModel(readFileSync(path));
  const out = new Map<string, Float32Array>();
  for (const t of model.graph.initializer) {
    if (t.data_type !== 1 || !t.raw_data) continue;
    const bytes = Uint8Array.from(t.raw_data); // copy: aligned buffer for the Float32Array view
    out.set(t.name, new Float32Array(bytes.buffer, 0, bytes.byteLength / 4));
  }
  return out;
}
