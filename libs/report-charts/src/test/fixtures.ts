import type {
  ComparisonEntry,
  ComparisonReport,
  DriftReportResult,
  FeatureDriftResult,
  NumericDriftFeature,
  SharedHistogram,
} from '@sentiment-ops/contracts';

const PRODUCTION = 'cardiffnlp/twitter-roberta-base-sentiment-latest';
const CANDIDATE = 'sentiment-ops/roberta-finetuned-v3';

function entry(overrides: Partial<ComparisonEntry> & Pick<ComparisonEntry, 'role' | 'dataset' | 'runId'>): ComparisonEntry {
  return {
    model: overrides.role === 'production' ? PRODUCTION : CANDIDATE,
    split: 'test',
    samples: 2000,
    status: 'completed',
    resolvedModel: overrides.role === 'production' ? PRODUCTION : CANDIDATE,
    accuracy: null,
    macroF1: null,
    macroRecall: null,
    samplesEvaluated: 2000,
    error: null,
    ...overrides,
  };
}

/** Production on TweetEval, the candidate on TweetEval and Amazon reviews (the default targets), all completed. */
export function comparisonReport(overrides: Partial<ComparisonReport> = {}): ComparisonReport {
  const entries = [
    entry({ role: 'production', dataset: 'tweet_eval', runId: 'run-1', accuracy: 0.7125, macroF1: 0.7034, macroRecall: 0.7181 }),
    entry({ role: 'candidate', dataset: 'tweet_eval', runId: 'run-2', accuracy: 0.7345, macroF1: 0.7262, macroRecall: 0.7398 }),
    entry({ role: 'candidate', dataset: 'amazon_reviews', runId: 'run-3', accuracy: 0.8015, macroF1: 0.6121, macroRecall: 0.6402 }),
  ];
  return {
    id: 'cmp-2026-11-29T22-00',
    status: 'completed',
    trigger: 'schedule',
    requestedBy: null,
    partial: false,
    createdAt: '2026-11-29T22:00:00.000Z',
    finishedAt: '2026-11-29T22:03:12.000Z',
    error: null,
    targets: entries.map(({ role, model, dataset, split, samples }) => ({ role, model, dataset, split, samples })),
    runIds: entries.map((item) => item.runId),
    entries,
    deltas: [
      { dataset: 'tweet_eval', split: 'test', baseline: PRODUCTION, candidate: CANDIDATE, accuracyDelta: 0.022, macroF1Delta: 0.0228 },
    ],
    ...overrides,
  };
}

/** The same flow where the Amazon child failed: the report is partial and says so. */
export function partialComparisonReport(): ComparisonReport {
  const report = comparisonReport({ partial: true });
  report.entries[2] = {
    ...report.entries[2],
    status: 'failed',
    accuracy: null,
    macroF1: null,
    macroRecall: null,
    samplesEvaluated: null,
    error: 'dataset amazon_reviews/test not found',
  };
  return report;
}

/** Deterministic pseudo-random numbers so fixtures do not change between runs. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Counts `rows` draws of a Beta-like bump centred on `centre` into `bins` equal bins of [min, max]. */
function histogram(min: number, max: number, bins: number, rows: { reference: [number, number]; current: [number, number] }, seed: number): SharedHistogram {
  const edges = Array.from({ length: bins + 1 }, (_, index) => min + ((max - min) * index) / bins);
  const random = mulberry32(seed);
  const count = ([size, centre]: [number, number]): number[] => {
    const counts = new Array<number>(bins).fill(0);
    for (let row = 0; row < size; row += 1) {
      const value = centre + (random() + random() + random() - 1.5) * 0.35;
      const clamped = Math.min(0.999999, Math.max(0, value));
      counts[Math.floor(clamped * bins)] += 1;
    }
    return counts;
  };
  return { edges, reference: count(rows.reference), current: count(rows.current) };
}

const REFERENCE_ROWS = 5400;
const CURRENT_ROWS = 420;

function numericFeature(
  feature: NumericDriftFeature,
  options: { score: number; drifted: boolean; scale: [number, number]; centres: [number, number]; seed: number },
): FeatureDriftResult {
  const [min, max] = options.scale;
  const unit = histogram(0, 1, 20, { reference: [REFERENCE_ROWS, options.centres[0]], current: [CURRENT_ROWS, options.centres[1]] }, options.seed);
  const summary = { mean: min + (max - min) * options.centres[0], std: 0.1 * (max - min), min, max, median: min + (max - min) * options.centres[0] };
  return {
    feature,
    kind: 'numeric',
    test: 'wasserstein',
    status: 'ok',
    score: options.score,
    threshold: 0.1,
    drifted: options.drifted,
    psi: options.drifted ? 0.31 : 0.02,
    referenceRows: REFERENCE_ROWS,
    currentRows: CURRENT_ROWS,
    summary: { reference: summary, current: { ...summary, mean: min + (max - min) * options.centres[1] } },
    histogram: { ...unit, edges: unit.edges.map((edge) => min + (max - min) * edge) },
  };
}

/** Previous 7 days vs last 12 h: confidence and label mix shifted, the rest stable. */
export function driftResult(): DriftReportResult {
  const features: FeatureDriftResult[] = [
    numericFeature('text_length', { score: 0.031, drifted: false, scale: [0, 280], centres: [0.35, 0.37], seed: 1 }),
    numericFeature('confidence', { score: 0.184, drifted: true, scale: [0.33, 1], centres: [0.7, 0.45], seed: 2 }),
    numericFeature('prob_negative', { score: 0.052, drifted: false, scale: [0, 1], centres: [0.3, 0.33], seed: 3 }),
    numericFeature('prob_neutral', { score: 0.121, drifted: true, scale: [0, 1], centres: [0.3, 0.45], seed: 4 }),
    numericFeature('prob_positive', { score: 0.064, drifted: false, scale: [0, 1], centres: [0.4, 0.36], seed: 5 }),
    {
      feature: 'predicted_label',
      kind: 'categorical',
      test: 'jensen_shannon',
      status: 'ok',
      score: 0.143,
      threshold: 0.1,
      drifted: true,
      psi: 0.27,
      referenceRows: REFERENCE_ROWS,
      currentRows: CURRENT_ROWS,
      counts: { reference: { negative: 1620, neutral: 1890, positive: 1890 }, current: { negative: 88, neutral: 231, positive: 101 } },
    },
  ];
  return {
    model: 'cardiffnlp/twitter-roberta-base-sentiment-latest',
    reference: { kind: 'log', description: 'previous 7 days', from: '2026-11-22T10:00:00.000Z', to: '2026-11-29T10:00:00.000Z', rows: REFERENCE_ROWS },
    current: { kind: 'log', description: 'last 12 hours', from: '2026-11-29T10:00:00.000Z', to: '2026-11-29T22:00:00.000Z', rows: CURRENT_ROWS },
    features,
    dataset: { status: 'ok', drifted: true, driftedFeatures: 3, evaluatedFeatures: 6, share: 0.5, threshold: 0.5 },
    performance: [
      {
        model: 'cardiffnlp/twitter-roberta-base-sentiment-latest',
        dataset: 'tweet_eval',
        split: 'test',
        status: 'ok',
        reference: { runs: 4, accuracy: 0.7131, macroF1: 0.7042, from: '2026-11-28T22:00:00.000Z', to: '2026-11-29T21:00:00.000Z' },
        current: { runId: 'run-1', accuracy: 0.7125, macroF1: 0.7034, finishedAt: '2026-11-29T22:03:12.000Z' },
        accuracyDelta: -0.0006,
        macroF1Delta: -0.0008,
        thresholds: { accuracy: 0.1, macroF1: 0.08 },
      },
    ],
    estimatedAccuracy: {
      method: 'calibrated_confidence',
      status: 'ok',
      reason: null,
      calibration: { dataset: 'tweet_eval', split: 'validation', rows: 2000, accuracy: 0.71, meanConfidence: 0.74, bins: 10, expectedCalibrationError: 0.034 },
      reference: 0.7,
      current: 0.58,
      delta: -0.12,
      threshold: 0.1,
      meanConfidence: { reference: 0.73, current: 0.6 },
    },
    webhook: { status: 'not_configured', attempts: 0, lastError: null },
  };
}

/**
 * Small windows (reference ≤ 1,000 rows): KS and chi-square p-values; text_length could not be
 * judged (its current window had too few rows) and must show as insufficient, not as a score of 0.
 */
export function smallWindowDriftResult(): DriftReportResult {
  const result = driftResult();
  const pValues: Record<string, [number, boolean]> = {
    confidence: [3.2e-9, true],
    prob_negative: [0.41, false],
    prob_neutral: [0.012, true],
    prob_positive: [0.27, false],
  };
  result.reference = { ...result.reference, rows: 800 };
  result.current = { ...result.current, rows: 60 };
  result.features = result.features.map((feature): FeatureDriftResult => {
    if (feature.feature === 'text_length') {
      return { ...feature, test: 'ks', status: 'insufficient_data', score: null, drifted: null, psi: null, threshold: 0.05, referenceRows: 800, currentRows: 12 };
    }
    if (feature.feature === 'predicted_label') {
      return { ...feature, test: 'chi_square', score: 0.003, threshold: 0.05, drifted: true, referenceRows: 800, currentRows: 60 };
    }
    const [score, drifted] = pValues[feature.feature];
    return { ...feature, test: 'ks', score, drifted, threshold: 0.05, referenceRows: 800, currentRows: 60 };
  });
  result.dataset = { status: 'ok', drifted: true, driftedFeatures: 3, evaluatedFeatures: 5, share: 0.6, threshold: 0.5 };
  return result;
}

/** Empty current window: every feature insufficient, no histograms or counts to draw. */
export function insufficientDriftResult(): DriftReportResult {
  const result = driftResult();
  result.current = { ...result.current, rows: 0 };
  result.features = result.features.map((feature) => ({
    feature: feature.feature,
    kind: feature.kind,
    test: feature.test,
    status: 'insufficient_data',
    score: null,
    threshold: feature.threshold,
    drifted: null,
    psi: null,
    referenceRows: feature.referenceRows,
    currentRows: 0,
  }));
  result.dataset = { status: 'insufficient_data', drifted: null, driftedFeatures: 0, evaluatedFeatures: 0, share: null, threshold: 0.5 };
  result.estimatedAccuracy = { ...result.estimatedAccuracy, status: 'insufficient_data', current: null, delta: null };
  return result;
}
