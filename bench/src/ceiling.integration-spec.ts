import { ensureTinyModel } from '@sentiment-ops/testing';
import { measureCeiling, servedSettings } from './ceiling';
import { countModelFlops } from './hardware/model-flops';

describe('measureCeiling on the tiny fixture model', () => {
  it('reports every batch size with items, token counts and useful FLOPs, and picks the fastest as best', async () => {
    const modelDir = await ensureTinyModel();
    const flops = countModelFlops(`${modelDir}/onnx/model.onnx`);
    const texts = ['good morning', 'this is terrible', 'meh', 'what a great day for a walk in the park'];
    const result = await measureCeiling({
      modelDir,
      settings: servedSettings('fp32', 1),
      texts,
      batchSizes: [1, 4],
      secondsPerPoint: 0.05,
      flopsForSequence: (tokens) => flops.flopsForSequence(tokens),
      referenceTexts: texts,
    });
    expect(result.points.map((point) => point.batchSize)).toEqual([1, 4]);
    for (const point of result.points) {
      expect(point.calls).toBeGreaterThanOrEqual(3);
      expect(point.items).toBe(point.calls * point.batchSize);
      expect(point.meanTokens).toBeGreaterThan(2); // <s> … </s> around every text
      expect(point.itemsPerSec).toBeGreaterThan(0);
      expect(point.achievedGflops).toBeGreaterThan(0);
      expect(point.tokenizeShare).toBeGreaterThan(0);
      expect(point.tokenizeShare).toBeLessThan(1);
    }
    expect(result.best.itemsPerSec).toBe(Math.max(...result.points.map((point) => point.itemsPerSec)));
    expect(result.referencePredictions).toHaveLength(texts.length);
  });
});
