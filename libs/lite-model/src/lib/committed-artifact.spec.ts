import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SENTIMENT_LABELS, type SentimentLabel } from '@sentiment-ops/contracts';
import { LiteModelRuntime } from './lite-model-runtime';
import { selectionScores } from './scores';

// Smoke check of the committed models/sentiment-lite on real data; the full measurement is the
// evaluation job's. Needs ../shared/data next to the repo.
const findRepoRoot = (from: string): string => {
  let dir = from;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No nx.json above ${from}`);
    dir = parent;
  }
  return dir;
};

const root = findRepoRoot(__dirname);
const modelDir = join(root, 'models', 'sentiment-lite');
const testFile = join(root, '..', 'shared', 'data', 'tweeteval_sentiment', 'test.jsonl');
const available = existsSync(join(modelDir, 'config.json')) && existsSync(testFile);

describe('committed sentiment-lite artifact', () => {
  if (!available) console.warn(`Skipping the committed sentiment-lite check: ${modelDir} or ${testFile} not found.`);
  let runtime: LiteModelRuntime;

  beforeAll(async () => {
    if (available) runtime = await LiteModelRuntime.load(modelDir, { name: 'sentiment-lite' });
  });
  afterAll(async () => runtime?.dispose());

  (available ? it : it.skip)('predicts the three classes on obvious texts', async () => {
    const predictions = await runtime.predict([
      'I love this, best day ever! So happy 😍 ',
      'This is terrible, I hate it. Worst service ever. ',
      'The meeting is scheduled for 3pm on Tuesday. ',
    ]);
    expect(predictions.map((p) => p.label)).toEqual(['positive', 'negative', 'neutral']);
  });

  (available ? it : it.skip)('reaches macro recall ≥ 0.60 on the first 2,000 TweetEval test rows', async () => {
    const rows = readFileSync(testFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .slice(0, 2000)
      .map((line) => JSON.parse(line) as { text: string; label: SentimentLabel });
    const predictions = await runtime.predict(rows.map((row) => row.text));
    const ids = (labels: SentimentLabel[]) => labels.map((label) => SENTIMENT_LABELS.indexOf(label));
    const scores = selectionScores(ids(rows.map((r) => r.label)), ids(predictions.map((p) => p.label)), SENTIMENT_LABELS.length);
    expect(scores.macroRecall).toBeGreaterThanOrEqual(0.6);
  });
});
