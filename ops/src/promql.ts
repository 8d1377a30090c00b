/**
 * Just enough of a PromQL reader to say which series an expression selects and which labels it names:
 * metric names (identifiers not followed by `(` that are not keywords), `{…}` matchers, and the label
 * lists of `by`, `without`, `on`, `ignoring`, `group_left`, `group_right`. Grafana variables (`$model`,
 * `${split}`, `$__rate_interval`) are skipped, so dashboard queries read like plain PromQL.
 */

export interface SeriesSelector {
  /** undefined for a selector without a name (`{job="x"}`). */
  metric: string | undefined;
  /** Label names of its matchers (`__name__` excluded). */
  matcherLabels: string[];
  /** The matchers' values as written (Grafana variables not interpolated), in the same order. */
  matcherValues: string[];
}

export interface PromqlReferences {
  selectors: SeriesSelector[];
  /** Labels named in by / without / on / ignoring / group_left / group_right lists. */
  groupingLabels: string[];
  /** The subset named in `by (…)`: the labels an aggregation keeps. */
  byLabels: string[];
  /** Whether a comparison (`>`, `==`, …) may filter series out, so an empty result can be legitimate. */
  filters: boolean;
}

const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);

type TokenKind = 'identifier' | 'string' | 'number' | 'variable' | 'punct';
interface Token {
  kind: TokenKind;
  text: string;
}

const AGGREGATORS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
const GROUPING_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const OTHER_KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);

const isIdentifierStart = (char: string): boolean => /[A-Za-z_:]/.test(char);
const isIdentifierPart = (char: string): boolean => /[A-Za-z0-9_:]/.test(char);

/** Splits an expression into tokens; strings keep their unquoted content, comments are dropped. */
export const tokenizePromql = (expression: string): Token[] => {
  const tokens: Token[] = [];
  let index = 0;
  while (index < expression.length) {
    const char = expression[index];
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === '#') {
      while (index < expression.length && expression[index] !== '\n') index += 1;
    } else if (char === '"' || char === "'" || char === '`') {
      let end = index + 1;
      let text = '';
      while (end < expression.length && expression[end] !== char) {
        if (expression[end] === '\\' && char !== '`') end += 1;
        text += expression[end] ?? '';
        end += 1;
      }
      if (end >= expression.length) throw new Error(`unterminated string in: ${expression}`);
      tokens.push({ kind: 'string', text });
      index = end + 1;
    } else if (char === '$') {
      // Grafana variable: $name, ${name}, ${name:format}, $__rate_interval
      const match = /^\$(\{[^}]*\}|\w+)/.exec(expression.slice(index));
      if (!match) throw new Error(`stray $ in: ${expression}`);
      tokens.push({ kind: 'variable', text: match[0] });
      index += match[0].length;
    } else if (/[0-9.]/.test(char)) {
      // Numbers and durations (0.95, 1e3, 0x1f, 5m, 1h30m).
      const match = /^(0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?([a-z]+[0-9]*)*)/.exec(expression.slice(index));
      const text = match?.[0] || char;
      tokens.push({ kind: 'number', text });
      index += text.length;
    } else if (isIdentifierStart(char)) {
      let end = index;
      while (end < expression.length && isIdentifierPart(expression[end])) end += 1;
      tokens.push({ kind: 'identifier', text: expression.slice(index, end) });
      index = end;
    } else {
      const twoChars = expression.slice(index, index + 2);
      const text = ['!=', '=~', '!~', '==', '<=', '>='].includes(twoChars) ? twoChars : char;
      tokens.push({ kind: 'punct', text });
      index += text.length;
    }
  }
  return tokens;
};

const readMatchers = (tokens: Token[], start: number): { labels: string[]; values: string[]; name: string | undefined; next: number } => {
  // tokens[start] is '{'
  const labels: string[] = [];
  const values: string[] = [];
  let name: string | undefined;
  let index = start + 1;
  while (index < tokens.length && tokens[index].text !== '}') {
    const label = tokens[index];
    const operator = tokens[index + 1];
    const value = tokens[index + 2];
    if (label?.kind !== 'identifier' || !['=', '!=', '=~', '!~'].includes(operator?.text ?? '') || !value || !['string', 'variable'].includes(value.kind)) {
      throw new Error(`cannot read matcher at "${tokens.slice(index, index + 3).map((token) => token.text).join(' ')}"`);
    }
    if (label.text === '__name__') {
      if (operator.text === '=' && value.kind === 'string') name = value.text;
    } else {
      labels.push(label.text);
      values.push(value.text);
    }
    index += 3;
    if (tokens[index]?.text === ',') index += 1;
  }
  if (index >= tokens.length) throw new Error('unclosed {');
  return { labels, values, name, next: index + 1 };
};

/** The series and labels an expression refers to. Throws on input it cannot read, so nothing slips through unread. */
export const extractPromqlReferences = (expression: string): PromqlReferences => {
  const tokens = tokenizePromql(expression);
  const selectors: SeriesSelector[] = [];
  const groupingLabels: string[] = [];
  const byLabels: string[] = [];
  let filters = false;
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index];
    const next = tokens[index + 1];
    if (token.kind === 'punct' && token.text === '[') {
      // Range or subquery: durations and variables only.
      while (index < tokens.length && tokens[index].text !== ']') index += 1;
      index += 1;
    } else if (token.kind === 'punct' && token.text === '{') {
      const matchers = readMatchers(tokens, index);
      selectors.push({ metric: matchers.name, matcherLabels: matchers.labels, matcherValues: matchers.values });
      index = matchers.next;
    } else if (token.kind === 'identifier' && GROUPING_KEYWORDS.has(token.text)) {
      index += 1;
      if (tokens[index]?.text === '(') {
        index += 1;
        while (index < tokens.length && tokens[index].text !== ')') {
          if (tokens[index].kind === 'identifier') {
            groupingLabels.push(tokens[index].text);
            if (token.text === 'by') byLabels.push(tokens[index].text);
          }
          index += 1;
        }
        index += 1;
      }
    } else if (token.kind === 'identifier' && (next?.text === '(' || AGGREGATORS.has(token.text) || OTHER_KEYWORDS.has(token.text.toLowerCase()))) {
      index += 1; // function, aggregation or keyword
    } else if (token.kind === 'identifier') {
      if (next?.text === '{') {
        const matchers = readMatchers(tokens, index + 1);
        selectors.push({ metric: token.text, matcherLabels: matchers.labels, matcherValues: matchers.values });
        index = matchers.next;
      } else {
        selectors.push({ metric: token.text, matcherLabels: [], matcherValues: [] });
        index += 1;
      }
    } else {
      if (token.kind === 'punct' && COMPARISONS.has(token.text) && next?.text !== 'bool') filters = true;
      index += 1;
    }
  }
  return { selectors, groupingLabels, byLabels, filters };
};

/** Labels `{{name}}` of a Grafana legend format or an alert annotation. */
export const templateLabels = (template: string): string[] => [...template.matchAll(/\{\{\s*\.?(?:\$labels\.)?([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((match) => match[1]);
