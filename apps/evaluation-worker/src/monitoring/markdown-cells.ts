/** Table-cell formatting shared by the drift and model-comparison Markdown reports. */

/** A number with fixed decimals; 'n/a' when there is none. */
export const num = (value: number | null | undefined, digits = 4): string => (value === null || value === undefined ? 'n/a' : value.toFixed(digits));

/** A change with its sign ('+0.0100', '-0.0200'); 'n/a' when there is none. */
export const signed = (value: number | null, digits = 4): string => (value === null ? 'n/a' : `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`);

/** Values from the log, a dataset or an error never break a table row or inject markup. */
export const cell = (text: string): string => text.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
