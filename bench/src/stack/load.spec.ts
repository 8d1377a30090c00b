import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runLoad } from './load';

describe('runLoad', () => {
  let server: Server;
  let url: string;
  const seenBodies: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seenBodies.push(body);
        const text = (JSON.parse(body) as { text: string }).text;
        res.statusCode = text === 'refuse' ? 503 : 200;
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the bodies in turn and counts answers by status', async () => {
    const bodies = ['ok-1', 'refuse', 'ok-2'].map((text) => JSON.stringify({ text }));
    const result = await runLoad({ url, connections: 2, durationSeconds: 1, bodies });
    expect(result.requests).toBeGreaterThan(3);
    expect(result.ok + result.errors).toBe(result.requests);
    expect(result.failures['503']).toBe(result.errors);
    // Every third body is refused: the counts follow the rotation.
    expect(Math.abs(result.errors - result.requests / 3)).toBeLessThanOrEqual(2);
    expect(new Set(seenBodies)).toEqual(new Set(bodies));
    expect(result.p50Ms).toBeLessThanOrEqual(result.p99Ms);
  });
});
