import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FakeDatasetsServer, type LoggedRequest } from '../test/fake-datasets-server';
import { tempDir, tweetRows } from '../test/fixtures';
import type { InvalidRow, LabelledRow } from './dataset-source';
import { validateEvaluationTarget } from './evaluation-target';
import type { HubRetryEvent } from './hub-http';
import { parseRetryAfter } from './hub-http';
import { HubDatasetSource, type HubDatasetSourceOptions } from './hub-source';
import { sampleRows } from './sampling';

const collect = async (rows: AsyncIterable<LabelledRow>): Promise<LabelledRow[]> => {
  const out: LabelledRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
};

const TWEETS = 'cardiffnlp/tweet_eval';
// 230 rows → pages of 100 / 100 / 30; row 57 has a label the registry does not know.
const TEST_ROWS = tweetRows(230, [0, 1, 2, 'positive']).map((row, i) => (i === 57 ? { ...row, label: 5 } : row));

const rowsAt = (offset: number) => (r: LoggedRequest) => r.path === '/rows' && r.params['offset'] === String(offset);

describe('HubDatasetSource (against a local datasets-server)', () => {
  const server = new FakeDatasetsServer([
    { dataset: TWEETS, config: 'sentiment', split: 'train', rows: tweetRows(10, [1]) },
    { dataset: TWEETS, config: 'sentiment', split: 'test', rows: TEST_ROWS },
    { dataset: TWEETS, config: 'emoji', split: 'validation', rows: tweetRows(3, [0]) },
  ]);
  let endpoint: string;
  let cache: ReturnType<typeof tempDir>;
  const retries: HubRetryEvent[] = [];
  const hub = (overrides: Partial<HubDatasetSourceOptions> = {}) =>
    new HubDatasetSource({ endpoint, cacheDir: cache.path, timeoutMs: 2000, backoffMs: 10, onRetry: (e) => retries.push(e), ...overrides });

  beforeAll(async () => {
    endpoint = await server.start();
  });
  beforeEach(() => {
    cache = tempDir('hub-cache');
    server.requests.length = 0;
    retries.length = 0;
  });
  afterEach(() => cache.remove());
  afterAll(() => server.stop());

  it('lists the splits of the registered config and reads sizes from /size', async () => {
    const source = hub();
    expect(source.kind).toBe('hub');
    expect(await source.splits('tweet_eval')).toEqual(['train', 'test']);
    expect(await source.size('tweet_eval', 'test')).toBe(230);
    expect(server.requests.map((r) => r.path)).toEqual(['/splits', '/size']);
    expect(server.requests[1].params).toEqual({ dataset: TWEETS, config: 'sentiment' });
    await expect(source.size('tweet_eval', 'validation')).rejects.toMatchObject({ code: 'UNKNOWN_SPLIT', validValues: ['train', 'test'] });
    await expect(validateEvaluationTarget(source, 'tweet_eval', 'validation')).rejects.toMatchObject({ code: 'UNKNOWN_SPLIT', validValues: ['train', 'test'] });
  });

  it('pages through /rows, retrying a 429 (after Retry-After), a 503 and a hung request, then serves the split from the disk cache', async () => {
    server
      .failOnce(rowsAt(0), { status: 429, retryAfter: '1' })
      .failOnce(rowsAt(100), { status: 503 })
      .failOnce(rowsAt(200), { hang: true });
    const invalid: InvalidRow[] = [];
    // timeoutMs leaves room for a loaded CI machine; only the hung request should reach it.
    const rows = await collect(hub({ timeoutMs: 1000 }).rows('tweet_eval', 'test', { onInvalidRow: (r) => invalid.push(r) }));

    expect(rows).toHaveLength(229);
    expect(rows.slice(0, 4).map((r) => r.label)).toEqual(['negative', 'neutral', 'positive', 'positive']);
    expect(rows.map((r) => r.index)).toEqual([...Array(230).keys()].filter((i) => i !== 57));
    expect(invalid).toEqual([{ index: 57, reason: expect.stringContaining('label 5') }]);

    const pages = server.requests.filter((r) => r.path === '/rows').map((r) => [r.params['offset'], r.params['length']]);
    expect(pages).toEqual([['0', '100'], ['0', '100'], ['100', '100'], ['100', '100'], ['200', '30'], ['200', '30']]);
    expect(retries.map((e) => e.reason)).toEqual([expect.stringMatching(/^HTTP 429/), expect.stringMatching(/^HTTP 503/), 'no answer within 1000 ms']);
    // 429 waits Retry-After; the others back off from backoffMs (each page's first retry).
    expect(retries.map((e) => e.delayMs)).toEqual([1000, 10, 10]);
    const [first, second] = server.requests;
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);

    // A new instance (no memory of the first) reads the cached file: zero requests.
    const before = server.count();
    const again = hub();
    expect(await collect(again.rows('tweet_eval', 'test'))).toEqual(rows);
    expect(await again.size('tweet_eval', 'test')).toBe(230);
    const sample = await sampleRows(again, 'tweet_eval', 'test', { strategy: 'stratified', samples: 20, seed: 1, maxSamples: 100 });
    expect(sample).toMatchObject({ total: 230, skippedInvalid: 1 });
    expect(server.count()).toBe(before);

    const file = again.cachePath('tweet_eval', 'test');
    expect(file).toBe(`${cache.path}/cardiffnlp__tweet_eval/sentiment/test.jsonl`);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(230);
    expect(readdirSync(dirname(file))).toEqual(['test.jsonl']);
  }, 10_000);

  it('fails at once on a 404, without retrying', async () => {
    const source = hub();
    await expect(source.splits('amazon_reviews_multi')).rejects.toMatchObject({ code: 'HUB_REQUEST_REJECTED', status: 404 });
    await expect(collect(source.rows('amazon_reviews_multi', 'test'))).rejects.toMatchObject({
      code: 'HUB_REQUEST_REJECTED',
      message: expect.stringContaining('The dataset does not exist'),
    });
    expect(server.count()).toBe(2);
    expect(retries).toEqual([]);
  });

  it('gives up with HUB_UNAVAILABLE after the configured retries', async () => {
    for (let i = 0; i < 3; i += 1) server.failOnce((r) => r.path === '/size', { status: 502 });
    await expect(hub({ retries: 2 }).size('tweet_eval', 'test')).rejects.toMatchObject({ code: 'HUB_UNAVAILABLE', status: 502 });
    expect(server.count('/size')).toBe(3);
  });

  it('leaves nothing that looks complete when a download fails halfway', async () => {
    server.failOnce(rowsAt(100), { status: 400, error: 'bad offset' });
    const source = hub();
    await expect(collect(source.rows('tweet_eval', 'test'))).rejects.toMatchObject({ code: 'HUB_REQUEST_REJECTED', status: 400 });
    const folder = dirname(source.cachePath('tweet_eval', 'test'));
    expect(readdirSync(folder)).toEqual([]);
    // The next read downloads again, and shares one download between concurrent readers.
    server.requests.length = 0;
    const [a, b] = await Promise.all([collect(source.rows('tweet_eval', 'test')), collect(source.rows('tweet_eval', 'test'))]);
    expect(a).toEqual(b);
    expect(server.count('/rows')).toBe(3);
    expect(existsSync(source.cachePath('tweet_eval', 'test'))).toBe(true);
  });

  it('falls back to the cached splits when the hub is unreachable', async () => {
    await collect(hub().rows('tweet_eval', 'train'));
    const closed = new FakeDatasetsServer([]);
    const deadEndpoint = await closed.start();
    await closed.stop();
    const offline = hub({ endpoint: deadEndpoint, retries: 1 });
    expect(await offline.splits('tweet_eval')).toEqual(['train']);
    expect(retries).toHaveLength(1);
    await expect(hub({ endpoint: deadEndpoint, retries: 0 }).splits('amazon_reviews_multi')).rejects.toMatchObject({
      code: 'HUB_UNAVAILABLE',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('rejects splits outside the registry without a request', async () => {
    await expect(hub().size('tweet_eval', 'dev')).rejects.toMatchObject({ code: 'UNKNOWN_SPLIT', validValues: ['train', 'validation', 'test'] });
    expect(server.count()).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
