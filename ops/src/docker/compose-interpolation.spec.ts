import { interpolate, parseDotenv } from './compose-interpolation';

describe('Compose interpolation', () => {
  const env = { SET: 'value', EMPTY: '', PORT: '8080' };

  it.each([
    ['plain text', 'plain text'],
    ['${SET}', 'value'],
    ['$SET/suffix', 'value/suffix'],
    ['$$SET', '$SET'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${MISSING-fallback}', 'fallback'],
    ['${SET:-fallback}', 'value'],
    ['${SET:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${MISSING:-${PORT}}', '8080'],
    ['${MISSING:-127.0.0.1}:${PORT:-1}:8080', '127.0.0.1:8080:8080'],
    ['$', '$'],
  ])('%s → %s', (input, expected) => {
    expect(interpolate(input, env).value).toBe(expected);
  });

  it('reports required variables that are unset or empty, with their messages', () => {
    const result = interpolate({ a: '${MISSING:?set MISSING}', b: '${EMPTY:?empty}', c: '${EMPTY?only unset}', d: '${SET:?fine}' }, env);
    expect(result.missing).toEqual([
      { variable: 'MISSING', message: 'set MISSING' },
      { variable: 'EMPTY', message: 'empty' },
    ]);
    expect(result.value).toEqual({ a: '', b: '', c: '', d: 'value' });
  });

  it('records every referenced variable and those unset without a default, and leaves keys alone', () => {
    const result = interpolate({ '${KEY}': ['${SET}', '$NOPE', '${OTHER:-x}', 3, true, null] }, env);
    expect(result.value).toEqual({ '${KEY}': ['value', '', 'x', 3, true, null] });
    expect([...result.referenced].sort()).toEqual(['NOPE', 'OTHER', 'SET']);
    expect([...result.unset]).toEqual(['NOPE']);
  });

  it('refuses malformed references', () => {
    expect(() => interpolate('${SET', env)).toThrow(/unclosed/);
    expect(() => interpolate('${1BAD}', env)).toThrow(/invalid variable reference/);
    expect(() => interpolate('${SET!x}', env)).toThrow(/invalid variable reference/);
  });
});

describe('dotenv files', () => {
  it('reads KEY=value lines, quotes, comments and empty values', () => {
    expect(parseDotenv('# comment\n\nA=1\nexport B="two words"\nC=\nD=x # trailing\nE=\'#not a comment\'\n')).toEqual({ A: '1', B: 'two words', C: '', D: 'x', E: '#not a comment' });
  });

  it('names a line that is not an assignment', () => {
    expect(() => parseDotenv('A=1\nnot an assignment\n')).toThrow(/not an assignment/);
  });
});
