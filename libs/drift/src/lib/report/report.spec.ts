import type { EvaluationRun, SentimentLabel } from '@sentiment-ops/contracts';
import { buildAlerts } from './alerts';
import { calibrateConfidence, calibratedConfidence, estimatedAccuracyDrift } from './estimated-accuracy';
import { analyseFeatures, sharedHistogram, summarise, type PredictionFeatures } from './feature-analysis';
import { performanceDrift } from './performance';

/** mulberry32: a fixed seed makes every synthetic window, and so every verdict, reproducible. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

interface WindowShape {
  labelShares: [number, number, number];
  confidence: [number, number];
  textLength: [number, number];
}

const BASELINE: WindowShape = { labelShares: [1 / 3, 1 / 3, 1 / 3], confidence: [0.6, 0.95], textLength: [20, 140] };
const LABELS: SentimentLabel[] = ['negative', 'neutral', 'positive'];

/** Predictions whose argmax is the label and whose other two classes share the rest. */
const synthetic = (rows: number, shape: WindowShape, seed: number): PredictionFeatures[] => {
  const next = random(seed);
  return Array.from({ length: rows }, () => {
    const u = next();
    const label = u < shape.labelShares[0] ? 'negative' : u < shape.labelShares[0] + shape.labelShares[1] ? 'neutral' : 'positive';
    const confidence = shape.confidence[0] + next() * (shape.confidence[1] - shape.confidence[0]);
    const rest = (1 - confidence) / 2;
    const probabilities = Object.fromEntries(LABELS.map((l) => [l, l === label ? confidence : rest])) as Record<SentimentLabel, number>;
    return { label, confidence, probabilities, textLength: Math.round(shape.textLength[0] + next() * (shape.textLength[1] - shape.textLength[0])) };
  });
};

const drifted = (result: ReturnType<typeof analyseFeatures>) => result.features.filter((f) => f.drifted).map((f) => f.feature).sort();

describe('drift report analysis', () => {
  it('finds no drift between identical windows, nor between two draws of the same distribution', () => {
    const reference = synthetic(400, BASELINE, 1);
    const same = analyseFeatures(reference, reference);
    expect(drifted(same)).toEqual([]);
    expect(same.features.every((f) => f.status === 'ok' && f.drifted === false)).toBe(true);
    expect(same.features.find((f) => f.feature === 'confidence')).toMatchObject({ test: 'ks', score: 1, psi: 0 });
    expect(same.dataset).toEqual({ status: 'ok', drifted: false, driftedFeatures: 0, evaluatedFeatures: 6, share: 0, threshold: 0.5 });

    const redraw = analyseFeatures(reference, synthetic(300, BASELINE, 2));
    expect(drifted(redraw)).toEqual([]);
    expect(buildAlerts({ ...redraw, performance: [], estimatedAccuracy: unavailable })).toEqual([]);
  });

  it('finds drift on exactly the features that moved: confidence and label mix (and the probabilities they make up), not text length', () => {
    const reference = synthetic(400, BASELINE, 3);
    const current = synthetic(300, { ...BASELINE, labelShares: [0.15, 0.15, 0.7], confidence: [0.4, 0.7] }, 4);
    const result = analyseFeatures(reference, current);
    expect(drifted(result)).toEqual(['confidence', 'predicted_label', 'prob_negative', 'prob_neutral', 'prob_positive']);
    expect(result.features.find((f) => f.feature === 'text_length')).toMatchObject({ status: 'ok', drifted: false });
    expect(result.features.find((f) => f.feature === 'predicted_label')).toMatchObject({ test: 'chi_square', counts: { current: { positive: expect.any(Number) } } });
    expect(result.dataset).toMatchObject({ drifted: true, driftedFeatures: 5, evaluatedFeatures: 6 });

    const alerts = buildAlerts({ ...result, performance: [], estimatedAccuracy: unavailable });
    expect(alerts.map((a) => `${a.type}/${a.severity}/${a.feature}`).sort()).toEqual([
      'CONFIDENCE_DRIFT/CRITICAL/confidence', // mean 0.775 → 0.55: beyond the 0.15 shift rule
      'DATASET_DRIFT/CRITICAL/null',
      'LABEL_DRIFT/WARNING/predicted_label',
      'PROBABILITY_DRIFT/WARNING/prob_negative',
      'PROBABILITY_DRIFT/WARNING/prob_neutral',
      'PROBABILITY_DRIFT/WARNING/prob_positive',
    ]);
    const confidence = alerts.find((a) => a.type === 'CONFIDENCE_DRIFT')!;
    expect(confidence.actualValue).toBeLessThan(0.05);
    expect(confidence.message).toMatch(/^confidence drifted: KS p-value [\d.]+ < 0\.05 \(mean 0\.7\d+ → 0\.5\d+\)/);
  });

  it('finds text-length drift alone when only the texts got longer', () => {
    const result = analyseFeatures(synthetic(400, BASELINE, 21), synthetic(300, { ...BASELINE, textLength: [80, 280] }, 22));
    expect(drifted(result)).toEqual(['text_length']);
    expect(result.dataset).toMatchObject({ drifted: false, driftedFeatures: 1, share: 1 / 6 });
    expect(buildAlerts({ ...result, performance: [], estimatedAccuracy: unavailable }).map((a) => a.type)).toEqual(['TEXT_LENGTH_DRIFT']);
  });

  it('switches to distances above 1,000 reference rows', () => {
    const result = analyseFeatures(synthetic(1500, BASELINE, 7), synthetic(600, { ...BASELINE, confidence: [0.3, 0.6] }, 8));
    expect(result.features.find((f) => f.feature === 'confidence')).toMatchObject({ test: 'wasserstein', threshold: 0.1, drifted: true });
    expect(result.features.find((f) => f.feature === 'text_length')).toMatchObject({ test: 'wasserstein', drifted: false });
    expect(result.features.find((f) => f.feature === 'predicted_label')).toMatchObject({ test: 'jensen_shannon', drifted: false });
  });

  it('reports windows under 30 rows as insufficient data, never as no drift, and raises no alert', () => {
    const result = analyseFeatures(synthetic(400, BASELINE, 9), synthetic(12, { ...BASELINE, confidence: [0.1, 0.2] }, 10));
    expect(result.features.every((f) => f.status === 'insufficient_data' && f.drifted === null && f.score === null)).toBe(true);
    expect(result.dataset).toMatchObject({ status: 'insufficient_data', drifted: null, share: null });
    expect(buildAlerts({ ...result, performance: [], estimatedAccuracy: unavailable })).toEqual([]);
    expect(analyseFeatures([], []).dataset.status).toBe('insufficient_data');
  });

  it('counts both windows on shared bins and summarises with population std', () => {
    const histogram = sharedHistogram([0, 0.1, 0.5, 1], [0.95, 1, 1], 4, [0, 1]);
    expect(histogram).toEqual({ edges: [0, 0.25, 0.5, 0.75, 1], reference: [2, 0, 1, 1], current: [0, 0, 0, 3] });
    expect(sharedHistogram([5, 5], [5], 2).edges).toEqual([5, 5.5, 6]);
    expect(summarise([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(1.25), min: 1, max: 4, median: 2.5 });
    expect(summarise([])).toEqual({ mean: null, std: null, min: null, max: null, median: null });
  });
});

const unavailable = estimatedAccuracyDrift({ unavailable: 'no calibration dataset' }, [], [], { dropThreshold: 0.1, minRows: 30 });

const run = (model: string, finishedAt: string, accuracy: number, macroF1: number, overrides: Partial<EvaluationRun> = {}): EvaluationRun =>
  ({
    id: `${model}-${finishedAt}`,
    status: 'completed',
    dataset: 'tweet_eval',
    split: 'test',
    modelName: null,
    resolvedModel: model,
    finishedAt,
    report: { accuracy, macroF1 },
    ...overrides,
  }) as EvaluationRun;

describe('performance drift', () => {
  it('compares the latest run of each model/dataset/split with the mean of the earlier ones', () => {
    const results = performanceDrift([
      run('prod', '2026-01-01T00:00:00Z', 0.8, 0.78),
      run('prod', '2026-01-02T00:00:00Z', 0.72, 0.7),
      run('prod', '2026-01-03T00:00:00Z', 0.63, 0.6),
      run('cand', '2026-01-03T00:00:00Z', 0.7, 0.7),
      run('prod', '2026-01-04T00:00:00Z', 0.1, 0.1, { status: 'failed', report: null }),
    ]);
    expect(results.map((r) => [r.model, r.status])).toEqual([['cand', 'insufficient_data'], ['prod', 'ok']]);
    const prod = results[1];
    expect(prod.reference).toMatchObject({ runs: 2, accuracy: 0.76, macroF1: 0.74 });
    expect(prod.accuracyDelta).toBeCloseTo(-0.13, 10);
    expect(prod.macroF1Delta).toBeCloseTo(-0.14, 10);

    const alerts = buildAlerts({ features: [], dataset: { status: 'insufficient_data', drifted: null, driftedFeatures: 0, evaluatedFeatures: 0, share: null, threshold: 0.5 }, performance: results, estimatedAccuracy: unavailable });
    expect(alerts.map((a) => [a.type, a.severity, a.feature])).toEqual([
      ['ACCURACY_DRIFT', 'CRITICAL', 'prod on tweet_eval/test'],
      ['F1_DRIFT', 'CRITICAL', 'prod on tweet_eval/test'],
    ]);
    expect(alerts[0].message).toBe('accuracy of prod on tweet_eval/test dropped by 0.1300 (threshold 0.1)');
  });

  it('warns on a rise beyond the threshold and stays quiet within it', () => {
    const up = performanceDrift([run('m', '2026-01-01T00:00:00Z', 0.6, 0.6), run('m', '2026-01-02T00:00:00Z', 0.75, 0.65)]);
    const alerts = buildAlerts({ features: [], dataset: { status: 'insufficient_data', drifted: null, driftedFeatures: 0, evaluatedFeatures: 0, share: null, threshold: 0.5 }, performance: up, estimatedAccuracy: unavailable });
    expect(alerts.map((a) => [a.type, a.severity])).toEqual([['ACCURACY_DRIFT', 'WARNING']]);
  });
});

describe('label-free accuracy estimate (calibrated confidence)', () => {
  // A model whose right answers happen with probability `skill(c)` at confidence c.
  const labelled = (rows: number, confidence: [number, number], seed: number, skill = (c: number) => c) => {
    const next = random(seed);
    return Array.from({ length: rows }, () => {
      const c = confidence[0] + next() * (confidence[1] - confidence[0]);
      return { confidence: c, correct: next() < skill(c) };
    });
  };
  const accuracyOf = (rows: { correct: boolean }[]) => rows.filter((r) => r.correct).length / rows.length;

  it('bins confidence into equal-mass bins of labelled accuracy and measures the raw calibration error', () => {
    const calibration = calibrateConfidence([
      ...Array.from({ length: 30 }, (_, i) => ({ confidence: 0.5 + i / 1000, correct: i < 15 })),
      ...Array.from({ length: 30 }, (_, i) => ({ confidence: 0.9 + i / 1000, correct: i < 27 })),
    ]);
    expect(calibration.binAccuracy).toEqual([0.5, 0.9]);
    expect(calibration.upperEdges).toEqual([0.529]);
    expect(calibratedConfidence(0.2, calibration)).toBe(0.5);
    expect(calibratedConfidence(0.95, calibration)).toBe(0.9);
    expect(calibration.expectedCalibrationError).toBeCloseTo((Math.abs(0.5 - 0.5145) + Math.abs(0.9 - 0.9145)) / 2, 10);
    expect(calibrateConfidence([{ confidence: 0.9, correct: true }])).toMatchObject({ binAccuracy: [1], upperEdges: [] });
    expect(() => calibrateConfidence([])).toThrow(/at least one/);
  });

  it("tracks an overconfident model's true accuracy on a shifted window where raw confidence does not, and alerts on the drop", () => {
    const overconfident = (c: number) => c - 0.2;
    const calibration = { ...calibrateConfidence(labelled(3000, [0.45, 1], 12, overconfident)), dataset: 'tweet_eval', split: 'validation' };
    expect(calibration.expectedCalibrationError).toBeGreaterThan(0.15);
    const reference = labelled(1000, [0.45, 1], 13, overconfident);
    const harder = labelled(1000, [0.45, 0.75], 14, overconfident);
    const result = estimatedAccuracyDrift(calibration, reference.map((r) => r.confidence), harder.map((r) => r.confidence), { dropThreshold: 0.1, minRows: 30 });
    expect(result.status).toBe('ok');
    expect(Math.abs((result.reference as number) - accuracyOf(reference))).toBeLessThan(0.03);
    expect(Math.abs((result.current as number) - accuracyOf(harder))).toBeLessThan(0.03);
    // The raw mean confidence is 0.2 too high: it would hide how bad the window is.
    expect((result.meanConfidence.current as number) - accuracyOf(harder)).toBeGreaterThan(0.15);
    expect(result.delta as number).toBeLessThan(-0.1);
    const alerts = buildAlerts({ features: [], dataset: { status: 'insufficient_data', drifted: null, driftedFeatures: 0, evaluatedFeatures: 0, share: null, threshold: 0.5 }, performance: [], estimatedAccuracy: result });
    expect(alerts.map((a) => a.type)).toEqual(['ESTIMATED_ACCURACY_DRIFT']);
    expect(estimatedAccuracyDrift(calibration, [0.9], [0.8], { dropThreshold: 0.1, minRows: 30 })).toMatchObject({ status: 'insufficient_data', current: null });
    expect(unavailable).toMatchObject({ status: 'unavailable', reason: 'no calibration dataset', meanConfidence: { reference: null } });
  });
});
