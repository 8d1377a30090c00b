import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DatasetError, DatasetErrorCode } from './dataset.errors';
import type { DatasetSource, LabelledRow, RowReadOptions } from './dataset-source';
import { countJsonlRows, readLabelledRows } from './jsonl';
import { datasetFolderName, getDataset, unknownSplitError, type DatasetDefinition } from './registry';

export interface LocalDatasetSourceOptions {
  /** DATASETS_DIR: holds one folder per dataset with `<split>.jsonl` files. */
  datasetsDir: string;
  /** Extra folder names per dataset (any accepted name), tried before the built-in ones. */
  aliases?: Readonly<Record<string, string | readonly string[]>>;
}

// Names the offline copy uses for some splits; the split is still reported under its canonical name.
const SPLIT_FILE_ALTERNATES: Readonly<Record<string, readonly string[]>> = {
  validation: ['val.jsonl'],
  train: ['train_sample.jsonl'],
};

const splitFileNames = (split: string): string[] => [`${split}.jsonl`, ...(SPLIT_FILE_ALTERNATES[split] ?? [])];

const isFile = async (path: string): Promise<boolean> => (await stat(path).catch(() => undefined))?.isFile() ?? false;

interface Located {
  dataset: DatasetDefinition;
  folder: string;
  /** canonical split → file, in canonical split order. */
  files: Map<string, string>;
}

/** Reads `DATASETS_DIR/<folder>/<split>.jsonl`, streaming line by line (files may be large). */
export class LocalDatasetSource implements DatasetSource {
  readonly kind = 'local';
  private readonly datasetsDir: string;
  private readonly aliases = new Map<string, string[]>();
  // Row counts keyed by file, valid while size and mtime are unchanged.
  private readonly sizes = new Map<string, { stamp: string; rows: number }>();

  constructor(options: LocalDatasetSourceOptions) {
    this.datasetsDir = resolve(options.datasetsDir);
    for (const [name, folders] of Object.entries(options.aliases ?? {})) {
      // Unknown names fail at construction (boot), not on the first evaluation.
      const canonical = getDataset(name).name;
      const list = typeof folders === 'string' ? [folders] : [...folders];
      this.aliases.set(canonical, [...(this.aliases.get(canonical) ?? []), ...list]);
    }
  }

  async splits(dataset: string): Promise<string[]> {
    return [...(await this.locate(dataset)).files.keys()];
  }

  async size(dataset: string, split: string): Promise<number> {
    const file = await this.fileOf(dataset, split);
    const info = await stat(file);
    const stamp = `${info.size}:${info.mtimeMs}`;
    const known = this.sizes.get(file);
    if (known?.stamp === stamp) return known.rows;
    const rows = await countJsonlRows(file);
    this.sizes.set(file, { stamp, rows });
    return rows;
  }

  async *rows(dataset: string, split: string, options?: RowReadOptions): AsyncGenerator<LabelledRow> {
    const definition = getDataset(dataset);
    yield* readLabelledRows(definition, await this.fileOf(dataset, split), options);
  }

  /** Folders tried for a dataset, in order: configured aliases, `<name>`, `<hub id>`, built-in aliases. */
  candidateFolders(dataset: string): string[] {
    const definition = getDataset(dataset);
    const names = [
      ...(this.aliases.get(definition.name) ?? []),
      datasetFolderName(definition.name),
      datasetFolderName(definition.hubId),
      ...definition.localFolders,
    ];
    return [...new Set(names)].map((name) => join(this.datasetsDir, name));
  }

  private async fileOf(dataset: string, split: string): Promise<string> {
    const located = await this.locate(dataset);
    const file = located.files.get(split);
    if (!file) throw unknownSplitError(located.dataset, split, [...located.files.keys()], `local copy (${located.folder})`);
    return file;
  }

  // The first folder holding at least one split file wins, so an empty alias folder does not hide data.
  private async locate(dataset: string): Promise<Located> {
    const definition = getDataset(dataset);
    const folders = this.candidateFolders(dataset);
    for (const folder of folders) {
      const files = new Map<string, string>();
      for (const split of definition.splits) {
        for (const name of splitFileNames(split)) {
          const path = join(folder, name);
          if (await isFile(path)) {
            files.set(split, path);
            break;
          }
        }
      }
      if (files.size > 0) return { dataset: definition, folder, files };
    }
    throw new DatasetError(
      DatasetErrorCode.DatasetUnavailable,
      `no local data for ${definition.name}: none of ${folders.join(', ')} holds ${definition.splits.map((s) => `${s}.jsonl`).join('/')}`,
    );
  }
}
