import { selectionScores } from './scores';

describe('selectionScores', () => {
  it('computes accuracy, macro recall and macro F1', () => {
    // truth 0 0 1 2, predicted 0 1 1 1: class 0 P 1 R .5 F1 2/3; class 1 P 1/3 R 1 F1 .5; class 2 F1 0
    const scores = selectionScores([0, 0, 1, 2], [0, 1, 1, 1], 3);
    expect(scores.accuracy).toBeCloseTo(0.5, 12);
    expect(scores.macroRecall).toBeCloseTo((0.5 + 1 + 0) / 3, 12);
    expect(scores.macroF1).toBeCloseTo((2 / 3 + 0.5 + 0) / 3, 12);
  });

  it('counts an absent, never-predicted class as 0', () => {
    expect(selectionScores([0, 1], [0, 1], 3)).toEqual({ accuracy: 1, macroRecall: 2 / 3, macroF1: 2 / 3 });
  });
});
