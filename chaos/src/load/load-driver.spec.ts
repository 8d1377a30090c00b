import { createServer, type Server } from 'node:http';
import { waitFor } from '@sentiment-ops/testing';
import { LoadDriver } from './load-driver';

describe('LoadDriver', () => {
  let server: Server;
  let url: string;
  const bodies: string[] = [];

  beforeAll(async () => {
    // 503 for every third request, no answer at all for request 5.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        bodies.push(body);
        const seq = Number(JSON.parse(body).seq);
        if (seq === 5) return;
        res.statusCode = seq % 3 === 2 ? 503 : 200;
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends at most maxRequests at the given pace, one unique body each, and records every outcome', async () => {
    const started = Date.now();
    const driver = LoadDriver.start({ url, concurrency: 3, ratePerSecond: 100, maxRequests: 12, clientTimeoutMs: 300, headers: {}, body: (seq) => JSON.stringify({ seq }) });
    await waitFor(() => driver.sent === 12, { what: 'every request to be sent' });
    const records = await driver.stop();

    expect(Date.now() - started).toBeGreaterThanOrEqual(100); // 12 requests at 100/s
    expect(records.map((r) => r.seq)).toEqual([...Array(12).keys()]);
    expect(new Set(bodies).size).toBe(12);
    expect(records[5].outcome).toEqual({ kind: 'lost', reason: 'client timeout' });
    expect(records.filter((r) => r.outcome.kind === 'answered' && r.outcome.status === 503).map((r) => r.seq)).toEqual([2, 8, 11]);
    expect(driver.sent).toBe(12);
  });

  it('stop() sends nothing more and waits for the requests in flight', async () => {
    const driver = LoadDriver.start({ url, concurrency: 2, ratePerSecond: 20, maxRequests: 1_000, clientTimeoutMs: 1_000, headers: {}, body: (seq) => JSON.stringify({ seq: 100 + seq }) });
    await new Promise((resolve) => setTimeout(resolve, 120));
    const records = await driver.stop();
    expect(records.length).toBe(driver.sent);
    expect(records.length).toBeLessThan(6);
    expect(records.every((r) => r.outcome.kind === 'answered')).toBe(true);
  });
});
