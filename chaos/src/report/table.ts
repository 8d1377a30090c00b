import { passed, serverErrorCount, type RequestTally, type ScenarioResult } from './tally';

const failedFastCell = (tally: RequestTally): string => {
  const parts = Object.entries(tally.failedFast)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, { count, maxMs }]) => `${status}×${count} (≤${Math.ceil(maxMs)} ms)`);
  return parts.length ? parts.join(', ') : '0';
};

const serverErrorCell = (tally: RequestTally): string => {
  const total = serverErrorCount(tally);
  if (total === 0) return '0';
  return Object.entries(tally.serverErrors)
    .map(([status, count]) => `${status}×${count}`)
    .join(', ');
};

const verdictCell = (result: ScenarioResult): string => {
  if (passed(result)) return 'PASS';
  const reasons: string[] = [];
  if (result.requests.lost > 0) reasons.push('lost');
  if (result.duplicated > 0) reasons.push('duplicated');
  if (serverErrorCount(result.requests) > 0) reasons.push('5xx');
  const other = Object.entries(result.requests.otherStatuses);
  if (other.length) reasons.push(`unexpected ${other.map(([s, n]) => `${s}×${n}`).join(' ')}`);
  for (const check of result.checks) if (!check.ok) reasons.push(check.label);
  return `FAIL: ${reasons.join('; ')}`;
};

export const TABLE_HEADER = ['scenario', 'sent', 'ok', 'failed fast (status×n, slowest)', 'lost', 'duplicated', '5xx', 'verdict'];

export const tableRows = (results: readonly ScenarioResult[]): string[][] =>
  results.map((r) => [r.name, String(r.requests.sent), String(r.requests.ok), failedFastCell(r.requests), String(r.requests.lost), String(r.duplicated), serverErrorCell(r.requests), verdictCell(r)]);

/** A plain-text table with aligned columns (readable in a terminal and in CI logs). */
export const renderTable = (results: readonly ScenarioResult[]): string => {
  const rows = [TABLE_HEADER, ...tableRows(results)];
  const widths = TABLE_HEADER.map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column])).join(' | ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)].join('\n');
};

/** Per scenario: the fault, each check, and notes (how the numbers were obtained). */
export const renderDetails = (results: readonly ScenarioResult[]): string =>
  results
    .map((r) => {
      const lines = [`${r.name} (${(r.durationMs / 1000).toFixed(1)} s): ${r.fault}`];
      for (const check of r.checks) lines.push(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.label}${check.detail ? `: ${check.detail}` : ''}`);
      if (r.requests.sent > 0) lines.push(`  · slowest 2xx answer ${Math.ceil(r.requests.okMaxMs)} ms`);
      const lost = Object.entries(r.requests.lostReasons);
      if (lost.length) lines.push(`  lost: ${lost.map(([reason, n]) => `${reason} ×${n}`).join(', ')}`);
      for (const note of r.notes) lines.push(`  · ${note}`);
      return lines.join('\n');
    })
    .join('\n');

export const LEGEND = [
  'sent / ok: HTTP requests the load loop sent to the gateway / answered 2xx (each with its own unique text).',
  'failed fast: answered 503 (Redis or Postgres unreachable, at once) or 504 (no replica answered by INFERENCE_TIMEOUT_MS), with the slowest such answer.',
  'lost: no HTTP answer at all before the client timeout (20 s, twice the gateway deadline), or the connection broke.',
  'duplicated: predictions, request ids answered twice. A replica publishes its final reply and XACKs the entry in one MULTI,',
  '  so each finished computation is one final reply on the caller\'s channel; the suite PSUBSCRIBEs to every reply channel and',
  '  counts final replies per request id (cross-checked against the surviving replicas\' inference_items_total). Evaluations:',
  '  result rows beyond one per run, or a run computed to the end by two workers (bulk replies per worker client).',
  '5xx: any other 5xx answer (500, 502): always a failure, as are unexpected 4xx.',
];
