import { SENTIMENT_LABELS, type SentimentLabel } from '@sentiment-ops/contracts';
import { ModelRuntimeError } from './model-runtime.errors';

// Spellings seen in sentiment models' config.json files, mapped onto our three classes.
const LABEL_ALIASES: Record<string, SentimentLabel> = {
  negative: 'negative',
  neg: 'negative',
  neutral: 'neutral',
  neu: 'neutral',
  positive: 'positive',
  pos: 'positive',
};

/**
 * Turns a config.json `id2label` into our label per class index. Labels that cannot be mapped
 * (e.g. `LABEL_0`) need an explicit `labels` override in the model registry: guessing the order
 * would silently swap classes.
 */
export const normaliseId2Label = (
  id2label: Record<string, string> | undefined,
  override?: readonly SentimentLabel[],
): SentimentLabel[] => {
  if (override) {
    assertCompleteLabelSet(override, 'the registry labels override');
    return [...override];
  }
  if (!id2label || Object.keys(id2label).length === 0) {
    throw new ModelRuntimeError('INVALID_MODEL', 'config.json has no id2label: set `labels` for this model in the model registry');
  }
  const entries = Object.entries(id2label).map(([id, label]) => [Number(id), label] as const);
  const labels: SentimentLabel[] = [];
  for (const [id, raw] of entries) {
    const mapped = LABEL_ALIASES[raw.trim().toLowerCase()];
    if (!Number.isInteger(id) || id < 0) {
      throw new ModelRuntimeError('INVALID_MODEL', `config.json id2label has a non-integer class id "${id}"`);
    }
    if (!mapped) {
      throw new ModelRuntimeError(
        'INVALID_MODEL',
        `config.json id2label label "${raw}" (class ${id}) is not negative/neutral/positive: set \`labels\` for this model in the model registry`,
      );
    }
    labels[id] = mapped;
  }
  assertCompleteLabelSet(labels, 'config.json id2label');
  return labels;
};

const assertCompleteLabelSet = (labels: readonly (SentimentLabel | undefined)[], origin: string): void => {
  const present = new Set(labels);
  if (labels.length !== SENTIMENT_LABELS.length || SENTIMENT_LABELS.some((label) => !present.has(label))) {
    throw new ModelRuntimeError(
      'INVALID_MODEL',
      `${origin} must map class ids 0..2 onto negative, neutral and positive exactly once (got ${JSON.stringify(labels)})`,
    );
  }
};
