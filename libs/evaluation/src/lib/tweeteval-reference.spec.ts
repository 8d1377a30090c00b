import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SENTIMENT_LABELS, type SentimentLabel } from '@sentiment-ops/contracts';
import { classificationReport } from './classification-report';
import { ConfusionMatrix } from './confusion-matrix';

// The TweetEval sentiment test split scored with the official baseline predictions: the published
// numbers pin our metric definitions to the reference implementation (sklearn).
const findRepoRoot = (from: string): string => {
  let dir = from;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No nx.json above ${from}`);
    dir = parent;
  }
  return dir;
};

const referenceDir = join(findRepoRoot(__dirname), '..', 'shared', 'data', 'tweeteval_sentiment', 'original');
const available = existsSync(join(referenceDir, 'test_labels.txt')) && existsSync(join(referenceDir, 'predictions_sentiment.txt'));

// One integer per line; TweetEval's mapping.txt is 0 negative, 1 neutral, 2 positive.
const readLabels = (file: string): SentimentLabel[] =>
  readFileSync(join(referenceDir, file), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line, i) => {
      const label = SENTIMENT_LABELS[Number(line)];
      if (!/^[012]$/.test(line) || !label) throw new Error(`${file}:${i + 1}: expected 0, 1 or 2, got ${JSON.stringify(line)}`);
      return label;
    });

describe('TweetEval sentiment reference scores', () => {
  if (!available) {
    console.warn(`Skipping the TweetEval reference check: ${referenceDir} not found (it lives in ../shared, outside the repo).`);
  }

  (available ? it : it.skip)('reproduces the published test-split scores of the baseline predictions', () => {
    const truth = readLabels('test_labels.txt');
    const predicted = readLabels('predictions_sentiment.txt');
    expect(truth).toHaveLength(12284);
    const report = classificationReport(new ConfusionMatrix().addMany(truth, predicted));
    expect(report.confusionMatrix).toEqual([
      [3146, 773, 53],
      [1265, 4047, 625],
      [56, 628, 1691],
    ]);
    expect(report.samples).toBe(12284);
    expect(report.accuracy.toFixed(4)).toBe('0.7232');
    expect(report.macroRecall.toFixed(4)).toBe('0.7286');
    expect(report.macroF1.toFixed(4)).toBe('0.7231');
  });
});
