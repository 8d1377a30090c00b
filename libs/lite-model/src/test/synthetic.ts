import { SENTIMENT_LABELS } from '@sentiment-ops/contracts';
import { DEFAULT_FEATURIZER_SETTINGS, type FeaturizerSettings } from '../lib/featurizer-settings';
import { seededRandom } from '../lib/prng';
import type { TrainingExample } from '../lib/trainer';

// Each class is driven by its own cue words; every text also carries shared noise words.
const CUES = {
  negative: ['awful', 'terrible', 'hate', 'worst', 'broken'],
  neutral: ['meeting', 'schedule', 'tuesday', 'report', 'announced'],
  positive: ['love', 'great', 'amazing', 'best', 'happy'],
} as const;
const NOISE = ['the', 'a', 'today', 'phone', 'game', 'city', 'people', 'new', 'just', 'with', 'from', 'this', 'that', 'week'];

/** Seeded synthetic rows: 1–2 cue words of the label plus 3–7 noise words, shuffled. */
export const syntheticRows = (count: number, seed: number): TrainingExample[] => {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  return Array.from({ length: count }, () => {
    const label = pick(SENTIMENT_LABELS);
    const words: string[] = [];
    const cues = 1 + Math.floor(random() * 2);
    for (let i = 0; i < cues; i++) words.push(pick(CUES[label]));
    const noise = 3 + Math.floor(random() * 5);
    for (let i = 0; i < noise; i++) words.push(pick(NOISE));
    words.sort(() => random() - 0.5);
    return { text: `${words.join(' ')} `, label };
  });
};

/** Small, fast settings for tests. */
export const TEST_FEATURIZER: FeaturizerSettings = { ...DEFAULT_FEATURIZER_SETTINGS, buckets: 2 ** 14, charNgrams: [3, 4], maxFeatures: 128 };
