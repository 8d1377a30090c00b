import { formatModelReference, parseModelReference } from './model-registry.types';
import { PersistenceErrorCode } from './persistence.errors';

describe('parseModelReference', () => {
  it('tells names, versions and aliases apart', () => {
    expect(parseModelReference('sentiment-lite')).toEqual({ kind: 'default', name: 'sentiment-lite' });
    expect(parseModelReference('sentiment-lite@12')).toEqual({ kind: 'version', name: 'sentiment-lite', version: 12 });
    expect(parseModelReference('owner/model.v2@candidate')).toEqual({ kind: 'alias', name: 'owner/model.v2', alias: 'candidate' });
  });

  it('formats what it parses', () => {
    for (const reference of ['sentiment-lite', 'sentiment-lite@3', 'cardiffnlp/twitter-roberta-base-sentiment-latest@production']) {
      expect(formatModelReference(parseModelReference(reference))).toBe(reference);
    }
  });

  it('rejects malformed references with a code', () => {
    expect(() => parseModelReference('')).toThrow(expect.objectContaining({ code: PersistenceErrorCode.InvalidReference }));
    expect(() => parseModelReference('x@0')).toThrow(expect.objectContaining({ code: PersistenceErrorCode.InvalidReference }));
    expect(() => parseModelReference('x@Prod')).toThrow(expect.objectContaining({ code: PersistenceErrorCode.InvalidAlias }));
  });
});
