import { measureWireJsonMicros } from './wire';

describe('measureWireJsonMicros', () => {
  it('gives a finite positive cost per text', () => {
    const micros = measureWireJsonMicros(['a tweet', 'another one with more words in it'], 2);
    expect(Number.isFinite(micros)).toBe(true);
    expect(micros).toBeGreaterThan(0);
  });
});
