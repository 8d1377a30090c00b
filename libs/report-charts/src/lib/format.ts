/** "2026-11-29 22:15 UTC" from an ISO timestamp; the raw string when it does not parse. */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Hub ids and folder paths can be long; keep the end, which names the model. */
export function shorten(text: string, max = 60): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}

export function signed(value: number, digits = 3): string {
  const fixed = value.toFixed(digits);
  return value > 0 ? `+${fixed}` : fixed;
}

/** p-values span many decades: small ones in exponent form, the rest with three decimals. */
export function formatScore(value: number): string {
  if (value !== 0 && Math.abs(value) < 0.001) return value.toExponential(1);
  return value.toFixed(3);
}
