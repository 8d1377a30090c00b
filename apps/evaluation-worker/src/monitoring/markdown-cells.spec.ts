import { cell, num, signed } from './markdown-cells';

describe('Markdown report cells', () => {
  it('escapes markup and table separators and folds whitespace, so a value stays in its cell', () => {
    expect(cell('a|b `c` *d* _e_ <f> [g]\\h\n\ti')).toBe('a\\|b \\`c\\` \\*d\\* \\_e\\_ \\<f\\> \\[g\\]\\\\h i');
  });

  it('prints numbers with fixed decimals and n/a for a missing value', () => {
    expect(num(0.123456)).toBe('0.1235');
    expect(num(0.5, 2)).toBe('0.50');
    expect(num(null)).toBe('n/a');
    expect(num(undefined)).toBe('n/a');
  });

  it('prints changes with their sign', () => {
    expect(signed(0.01)).toBe('+0.0100');
    expect(signed(0)).toBe('+0.0000');
    expect(signed(-0.02, 2)).toBe('-0.02');
    expect(signed(null)).toBe('n/a');
  });
});
