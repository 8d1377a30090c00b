import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DatasetError, DatasetErrorCode, isDatasetError } from './dataset.errors';
import type { DatasetSource, LabelledRow, RowReadOptions } from './dataset-source';
import { HubHttpClient, type HubRetryEvent } from './hub-http';
import { countJsonlRows, readLabelledRows } from './jsonl';
import { datasetFolderName, getDataset, unknownSplitError, type DatasetDefinition } from './registry';

export const DEFAULT_HUB_ENDPOINT = 'https://datasets-server.huggingface.co';
/** The datasets-server serves at most 100 rows per /rows call. */
export const HUB_MAX_PAGE_SIZE = 100;

export interface HubDatasetSourceOptions {
  endpoint?: string;
  /** Splits are downloaded once into `<cacheDir>/<dataset>/<config>/<split>.jsonl`. */
  cacheDir: string;
  /** Rows per /rows request, 1..100. */
  pageSize?: number;
  /** Per attempt, body included. */
  timeoutMs?: number;
  /** Retries after the first attempt. */
  retries?: number;
  backoffMs?: number;
  /** Cap on a single wait (Retry-After included). */
  maxDelayMs?: number;
  fetch?: typeof fetch;
  /** Optional hub token (gated datasets, higher rate limits). */
  token?: string;
  onRetry?: (event: HubRetryEvent) => void;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

const malformed = (url: string, what: string): DatasetError =>
  new DatasetError(DatasetErrorCode.MalformedData, `unexpected datasets-server answer from ${url}: ${what}`);

const exists = async (path: string): Promise<boolean> => (await stat(path).catch(() => undefined))?.isFile() ?? false;

/** Rows from the Hugging Face datasets-server REST API, cached on disk per split. */
export class HubDatasetSource implements DatasetSource {
  readonly kind = 'hub';
  private readonly http: HubHttpClient;
  private readonly cacheDir: string;
  private readonly pageSize: number;
  private readonly splitLists = new Map<string, string[]>();
  private readonly downloads = new Map<string, Promise<string>>();
  private readonly cachedSizes = new Map<string, number>();

  constructor(options: HubDatasetSourceOptions) {
    this.cacheDir = resolve(options.cacheDir);
    this.pageSize = Math.min(Math.max(Math.trunc(options.pageSize ?? HUB_MAX_PAGE_SIZE), 1), HUB_MAX_PAGE_SIZE);
    this.http = new HubHttpClient({
      endpoint: options.endpoint ?? DEFAULT_HUB_ENDPOINT,
      timeoutMs: options.timeoutMs ?? 10_000,
      retries: options.retries ?? 4,
      backoffMs: options.backoffMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 60_000,
      fetch: options.fetch ?? fetch,
      token: options.token,
      onRetry: options.onRetry,
    });
  }

  /** Where a split is (or will be) cached. */
  cachePath(dataset: string, split: string): string {
    return join(this.cacheFolder(getDataset(dataset)), `${split}.jsonl`);
  }

  private cacheFolder(definition: DatasetDefinition): string {
    return join(this.cacheDir, datasetFolderName(definition.hubId), definition.config);
  }

  async splits(dataset: string): Promise<string[]> {
    const definition = getDataset(dataset);
    const known = this.splitLists.get(definition.name);
    if (known) return [...known];
    const params = { dataset: definition.hubId };
    let found: string[];
    try {
      found = this.parseSplits(await this.http.getJson('/splits', params), definition, this.http.url('/splits', params));
    } catch (error) {
      // Offline with a warm cache: the cached splits are still usable.
      const cached = isDatasetError(error) && error.code === DatasetErrorCode.HubUnavailable ? await this.cachedSplits(definition) : [];
      if (cached.length === 0) throw error;
      return cached;
    }
    this.splitLists.set(definition.name, found);
    return [...found];
  }

  async size(dataset: string, split: string): Promise<number> {
    const definition = this.checkSplit(dataset, split);
    const file = this.cachePath(definition.name, split);
    if (await exists(file)) return this.cachedSize(file);
    const params = { dataset: definition.hubId, config: definition.config };
    const url = this.http.url('/size', params);
    const body = await this.http.getJson('/size', params);
    const entries = isObject(body) && isObject(body['size']) ? body['size']['splits'] : undefined;
    if (!Array.isArray(entries)) throw malformed(url, 'no size.splits array');
    const ours = entries.filter((e): e is Json => isObject(e) && e['config'] === definition.config);
    const entry = ours.find((e) => e['split'] === split);
    if (!entry) throw unknownSplitError(definition, split, definition.splits.filter((s) => ours.some((e) => e['split'] === s)), 'hub');
    if (!isCount(entry['num_rows'])) throw malformed(url, `num_rows of ${split} is not a count`);
    return entry['num_rows'];
  }

  async *rows(dataset: string, split: string, options?: RowReadOptions): AsyncGenerator<LabelledRow> {
    const definition = this.checkSplit(dataset, split);
    yield* readLabelledRows(definition, await this.ensureCached(definition, split), options);
  }

  private checkSplit(dataset: string, split: string): DatasetDefinition {
    const definition = getDataset(dataset);
    if (!definition.splits.includes(split)) throw unknownSplitError(definition, split, definition.splits, 'hub');
    return definition;
  }

  private parseSplits(body: unknown, definition: DatasetDefinition, url: string): string[] {
    const entries = isObject(body) ? body['splits'] : undefined;
    if (!Array.isArray(entries)) throw malformed(url, 'no splits array');
    const names = new Set(entries.filter((e): e is Json => isObject(e) && e['config'] === definition.config).map((e) => e['split']));
    return definition.splits.filter((s) => names.has(s));
  }

  private async cachedSplits(definition: DatasetDefinition): Promise<string[]> {
    const files = new Set(await readdir(this.cacheFolder(definition)).catch(() => [] as string[]));
    return definition.splits.filter((s) => files.has(`${s}.jsonl`));
  }

  private async cachedSize(file: string): Promise<number> {
    const known = this.cachedSizes.get(file);
    if (known !== undefined) return known;
    const rows = await countJsonlRows(file);
    this.cachedSizes.set(file, rows);
    return rows;
  }

  // One download per split at a time; concurrent readers share it.
  private async ensureCached(definition: DatasetDefinition, split: string): Promise<string> {
    const file = this.cachePath(definition.name, split);
    if (await exists(file)) return file;
    let pending = this.downloads.get(file);
    if (!pending) {
      pending = this.download(definition, split, file).finally(() => this.downloads.delete(file));
      this.downloads.set(file, pending);
    }
    return pending;
  }

  /** Pages through /rows into a temp file, renamed into place only once complete. */
  private async download(definition: DatasetDefinition, split: string, file: string): Promise<string> {
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    const handle = await open(temp, 'w');
    let closed = false;
    try {
      let total = Number.POSITIVE_INFINITY;
      for (let offset = 0; offset < total; ) {
        const params = { dataset: definition.hubId, config: definition.config, split, offset, length: Math.min(this.pageSize, total - offset) };
        const page = this.parsePage(await this.http.getJson('/rows', params), offset, this.http.url('/rows', params));
        total = page.total;
        if (page.rows.length === 0 && offset < total) throw malformed(this.http.url('/rows', params), `no rows at offset ${offset} of ${total}`);
        if (page.rows.length > 0) await handle.write(page.rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
        offset += page.rows.length;
      }
      await handle.sync();
      await handle.close();
      closed = true;
      await rename(temp, file);
      this.cachedSizes.set(file, total);
      return file;
    } catch (error) {
      if (!closed) await handle.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw error;
    }
  }

  private parsePage(body: unknown, offset: number, url: string): { rows: Json[]; total: number } {
    if (!isObject(body) || !Array.isArray(body['rows']) || !isCount(body['num_rows_total'])) throw malformed(url, 'no rows / num_rows_total');
    const rows = body['rows'].map((entry: unknown, i) => {
      // Row order is the split order: a gap or reordering would shift every index.
      if (!isObject(entry) || entry['row_idx'] !== offset + i || !isObject(entry['row'])) {
        throw malformed(url, `entry ${i} is not { row_idx: ${offset + i}, row: {...} }`);
      }
      return entry['row'];
    });
    return { rows, total: body['num_rows_total'] };
  }
}
