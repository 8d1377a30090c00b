import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DatasetError, DatasetErrorCode } from './dataset.errors';
import type { InvalidRow, LabelledRow, RowReadOptions } from './dataset-source';
import type { DatasetDefinition } from './registry';

export interface JsonlRecord {
  record: Record<string, unknown>;
  /** 1-based line in the file, for error messages. */
  line: number;
  /** 0-based row position (blank lines are not rows). */
  index: number;
}

const isBlank = (text: string): boolean => text.trim() === '';

const openLines = (file: string) => {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  // Closing both on early exit releases the fd when a consumer stops after N rows.
  const close = (): void => {
    lines.close();
    stream.destroy();
  };
  return { lines, close };
};

/** Streams the JSON objects of a JSONL file; a malformed line throws MALFORMED_DATA naming file and line. */
export async function* readJsonlRecords(file: string): AsyncGenerator<JsonlRecord> {
  const { lines, close } = openLines(file);
  let line = 0;
  let index = 0;
  try {
    for await (const raw of lines) {
      line += 1;
      const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (isBlank(text)) continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new DatasetError(DatasetErrorCode.MalformedData, `${file}:${line}: not valid JSON (${(error as Error).message})`, { cause: error });
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new DatasetError(DatasetErrorCode.MalformedData, `${file}:${line}: expected a JSON object`);
      }
      yield { record: value as Record<string, unknown>, line, index };
      index += 1;
    }
  } finally {
    close();
  }
}

/** Rows (non-blank lines) of a JSONL file, without parsing them. */
export const countJsonlRows = async (file: string): Promise<number> => {
  const { lines, close } = openLines(file);
  let count = 0;
  try {
    for await (const text of lines) if (!isBlank(text)) count += 1;
  } finally {
    close();
  }
  return count;
};

/** Maps one raw record to a labelled row, or says why it is unusable. */
export const toLabelledRow = (dataset: DatasetDefinition, record: Readonly<Record<string, unknown>>, index: number): LabelledRow | InvalidRow => {
  const text = record[dataset.textField];
  if (typeof text !== 'string' || isBlank(text)) return { index, reason: `${dataset.textField} is missing or empty` };
  const outcome = dataset.labelOf(record);
  return 'label' in outcome ? { index, text, label: outcome.label } : { index, reason: outcome.reason };
};

/** The valid rows of a JSONL file of `dataset`; invalid ones go to `onInvalidRow`. */
export async function* readLabelledRows(dataset: DatasetDefinition, file: string, options: RowReadOptions = {}): AsyncGenerator<LabelledRow> {
  for await (const { record, index } of readJsonlRecords(file)) {
    const row = toLabelledRow(dataset, record, index);
    if ('label' in row) yield row;
    else options.onInvalidRow?.(row);
  }
}
