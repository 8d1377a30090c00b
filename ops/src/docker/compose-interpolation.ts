/**
 * Docker Compose variable interpolation, as the Compose specification defines it, so the static checks
 * see the values a `docker compose up` would: `$$` (a literal `$`), `$VAR`, `${VAR}`, `${VAR:-default}`
 * (unset or empty), `${VAR-default}` (unset), `${VAR:?message}` / `${VAR?message}` (required),
 * `${VAR:+alt}` / `${VAR+alt}`; defaults may themselves hold `${...}`.
 */

export type InterpolationEnv = Readonly<Record<string, string | undefined>>;

export interface InterpolationResult<T> {
  value: T;
  /** Every variable name the input refers to. */
  referenced: Set<string>;
  /** Required variables (`:?` / `?`) that were missing, with their messages. */
  missing: { variable: string; message: string }[];
  /** Variables used without a default that were unset (Compose warns and substitutes ""). */
  unset: Set<string>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPERATORS = [':-', ':?', ':+', '-', '?', '+'] as const;

interface Collector {
  env: InterpolationEnv;
  referenced: Set<string>;
  missing: { variable: string; message: string }[];
  unset: Set<string>;
}

/** Index of the `}` closing the `${` whose body starts at `from` (nested `${...}` in defaults). */
const closingBrace = (text: string, from: number): number => {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  throw new Error(`unclosed \${ in ${JSON.stringify(text)}`);
};

const expandBraced = (body: string, collector: Collector): string => {
  const name = NAME.exec(body)?.[0];
  if (!name) throw new Error(`invalid variable reference \${${body}}`);
  collector.referenced.add(name);
  const rest = body.slice(name.length);
  const value = collector.env[name];
  if (rest === '') {
    if (value === undefined) collector.unset.add(name);
    return value ?? '';
  }
  const operator = OPERATORS.find((candidate) => rest.startsWith(candidate));
  if (!operator) throw new Error(`invalid variable reference \${${body}}`);
  const argument = () => expandString(rest.slice(operator.length), collector);
  const empty = value === undefined || (operator.startsWith(':') && value === '');
  switch (operator) {
    case ':-':
    case '-':
      return empty ? argument() : (value as string);
    case ':?':
    case '?':
      if (empty) collector.missing.push({ variable: name, message: argument() });
      return value ?? '';
    default:
      return empty ? '' : argument();
  }
};

const expandString = (text: string, collector: Collector): string => {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char !== '$') {
      out += char;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '{') {
      const end = closingBrace(text, i + 2);
      out += expandBraced(text.slice(i + 2, end), collector);
      i = end;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (!name) {
        out += '$';
        continue;
      }
      collector.referenced.add(name);
      if (collector.env[name] === undefined) collector.unset.add(name);
      out += collector.env[name] ?? '';
      i += name.length;
    }
  }
  return out;
};

const expandDeep = (value: unknown, collector: Collector): unknown => {
  if (typeof value === 'string') return expandString(value, collector);
  if (Array.isArray(value)) return value.map((item) => expandDeep(item, collector));
  if (value && typeof value === 'object') {
    // Compose interpolates values only, never keys.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expandDeep(item, collector)]));
  }
  return value;
};

/** Interpolates every string value of a parsed Compose file (keys are left as they are). */
export const interpolate = <T>(value: T, env: InterpolationEnv): InterpolationResult<T> => {
  const collector: Collector = { env, referenced: new Set(), missing: [], unset: new Set() };
  const result = expandDeep(value, collector) as T;
  return { value: result, referenced: collector.referenced, missing: collector.missing, unset: collector.unset };
};

/** A dotenv file as Compose reads it: `KEY=value` lines, `#` comments, optional quotes, no expansion. */
export const parseDotenv = (text: string): Record<string, string> => {
  const entries: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new Error(`not a KEY=value line: ${JSON.stringify(raw)}`);
    const [, key, rawValue] = match;
    const quoted = /^(['"])(.*)\1$/.exec(rawValue);
    entries[key] = quoted ? quoted[2] : rawValue.replace(/\s+#.*$/, '');
  }
  return entries;
};
