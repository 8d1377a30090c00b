import { preprocessTweet } from './preprocess';

describe('preprocessTweet', () => {
  it('replaces mentions with @user and links with http, as the model card does', () => {
    expect(preprocessTweet('@elonmusk thanks! see https://t.co/abc and http://x.y')).toBe('@user thanks! see http and http');
  });
  it('keeps a lone @ and words that merely contain http or @', () => {
    expect(preprocessTweet('meet @ noon, email me at a@b.c, the word shttp stays')).toBe('meet @ noon, email me at a@b.c, the word shttp stays');
  });
  it('splits on single spaces only, so spacing and newlines are kept', () => {
    expect(preprocessTweet('a  @bob\n@carol')).toBe('a  @user');
  });
});
