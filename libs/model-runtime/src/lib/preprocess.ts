/**
 * The preprocessing of the cardiffnlp model card: user mentions become `@user` and links
 * become `http`, which is how the model saw tweets in training. Splitting on single spaces
 * (not on any white space) is what the card does, so the text keeps its spacing.
 */
export const preprocessTweet = (text: string): string =>
  text
    .split(' ')
    .map((token) => {
      if (token.startsWith('@') && token.length > 1) return '@user';
      if (token.startsWith('http')) return 'http';
      return token;
    })
    .join(' ');
