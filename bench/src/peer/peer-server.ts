// The server a Node developer would write by default: Express, one transformers.js pipeline()
// created at start-up, called once per request. No batching, no queue, default ORT settings.
// usage: PORT=… MODEL_DIR=… DTYPE=q8|fp32 node -r @swc-node/register bench/src/peer/peer-server.ts
import express from 'express';
import { env, pipeline } from '@huggingface/transformers';

const port = Number(process.env['PORT'] ?? 8090);
const modelDir = process.env['MODEL_DIR'];
const dtype = (process.env['DTYPE'] ?? 'q8') as 'q8' | 'fp32';
if (!modelDir) throw new Error('MODEL_DIR is required');

async function main(): Promise<void> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  const classify = await pipeline('text-classification', modelDir as string, { dtype, device: 'cpu' });
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.post('/api/v1/sentiment', async (req, res) => {
    try {
      const text = (req.body as { text?: unknown }).text;
      if (typeof text !== 'string' || text.length === 0) {
        res.status(422).json({ detail: 'text: required' });
        return;
      }
      const [top] = (await classify(text)) as { label: string; score: number }[];
      res.json({ label: top.label, confidence: top.score });
    } catch (error) {
      res.status(500).json({ detail: (error as Error).message });
    }
  });
  const server = app.listen(port, '127.0.0.1');
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
