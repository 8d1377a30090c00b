import { normaliseId2Label } from './labels';
import { ModelRuntimeError } from './model-runtime.errors';

describe('normaliseId2Label', () => {
  it('reads the class order from id2label, in any case and with short names', () => {
    expect(normaliseId2Label({ 0: 'negative', 1: 'neutral', 2: 'positive' })).toEqual(['negative', 'neutral', 'positive']);
    expect(normaliseId2Label({ 0: 'POSITIVE', 1: 'Negative', 2: 'neu' })).toEqual(['positive', 'negative', 'neutral']);
  });
  it('refuses labels it cannot map instead of guessing', () => {
    expect(() => normaliseId2Label({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' })).toThrow(/LABEL_0.*registry/);
    expect(() => normaliseId2Label({ 0: 'negative', 1: 'positive' })).toThrow(ModelRuntimeError);
    expect(() => normaliseId2Label({ 0: 'negative', 1: 'negative', 2: 'positive' })).toThrow(/exactly once/);
    expect(() => normaliseId2Label(undefined)).toThrow(/no id2label/);
  });
  it('uses the registry override when given', () => {
    expect(normaliseId2Label({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' }, ['negative', 'neutral', 'positive'])).toEqual(['negative', 'neutral', 'positive']);
  });
});
