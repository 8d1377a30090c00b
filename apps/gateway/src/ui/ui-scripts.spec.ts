import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';

interface Upload {
  textsOf(name: string, content: string): string[];
}
interface Results {
  toCsv(results: unknown[]): string;
}

/** Runs a page script as the browser would and returns what it puts on window. */
const load = <T>(file: string, name: string): T => {
  const window: Record<string, unknown> = {};
  runInNewContext(readFileSync(join(__dirname, '../assets/ui', file), 'utf8'), { window });
  return window[name] as T;
};

describe('web UI file reading (assets/ui/upload.js)', () => {
  const { textsOf } = load<Upload>('upload.js', 'sentimentOpsUpload');

  it('reads the text column of a CSV, with quoted commas, quotes and line breaks', () => {
    const csv = 'id,Text,label\r\n1,"fine, thanks",pos\r\n2,"she said ""hi""\nthen left",neu\n3,,neg\n\n4,last,neg';
    expect(textsOf('tweets.CSV', csv)).toEqual(['fine, thanks', 'she said "hi"\nthen left', 'last']);
  });

  it('reads the first column of a CSV without a text header', () => {
    expect(textsOf('a.csv', 'good day,1\n"bad, day",2\n')).toEqual(['good day', 'bad, day']);
  });

  it('reads .txt lines and .jsonl strings or {"text"} objects, skipping blank ones', () => {
    expect(textsOf('a.txt', 'one\r\n\r\n  \ntwo\n')).toEqual(['one', 'two']);
    expect(textsOf('a.jsonl', '{"text":"one","label":0}\n\n"two"\n')).toEqual(['one', 'two']);
  });

  it.each([
    ['a.jsonl', '{"text":"ok"}\n{"text":', 'Line 2 is not JSON.'],
    ['a.jsonl', '{"text":"ok"}\n{"body":"x"}', 'Line 2 has no "text" string.'],
    ['a.pdf', 'x', 'Unsupported file type: choose a .txt, .csv or .jsonl file.'],
    ['a.txt', '\n \n', 'The file holds no text.'],
    ['a.txt', 'x\n'.repeat(10_001), 'The file holds 10001 texts; at most 10000 per file.'],
  ])('refuses %s %#, saying why', (name, content, message) => {
    expect(() => textsOf(name, content)).toThrow(message);
  });
});

describe('web UI CSV export (assets/ui/results.js)', () => {
  const { toCsv } = load<Results>('results.js', 'sentimentOpsResults');
  const result = (text: string) => ({ text, sentiment: 'neutral', confidence: 0.5, probabilities: { negative: 0.25, neutral: 0.5, positive: 0.25 } });

  it('quotes fields per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(toCsv([result('a, "b"\nc'), result('=HYPERLINK("x")'), result('plain')]).split('\r\n')).toEqual([
      'text,sentiment,confidence,p_negative,p_neutral,p_positive',
      '"a, ""b""\nc",neutral,0.5,0.25,0.5,0.25',
      `"'=HYPERLINK(""x"")",neutral,0.5,0.25,0.5,0.25`,
      'plain,neutral,0.5,0.25,0.5,0.25',
      '',
    ]);
  });
});
