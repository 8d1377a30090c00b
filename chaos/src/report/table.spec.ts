import type { RequestRecord } from '../load/load-driver';
import { renderDetails, renderTable } from './table';
import { passed, tallyRequests, type ScenarioResult } from './tally';

const answered = (seq: number, status: number, durationMs = 10): RequestRecord => ({ seq, sentAt: seq, durationMs, outcome: { kind: 'answered', status } });
const lost = (seq: number, reason: string): RequestRecord => ({ seq, sentAt: seq, durationMs: 20_000, outcome: { kind: 'lost', reason } });

const scenario = (records: RequestRecord[], overrides: Partial<ScenarioResult> = {}): ScenarioResult => ({
  name: 'example',
  fault: 'none',
  requests: tallyRequests(records),
  duplicated: 0,
  checks: [],
  notes: [],
  durationMs: 1_000,
  ...overrides,
});

describe('tallyRequests', () => {
  it('sorts answers into ok, failed fast by status (with the slowest), lost, other 5xx and other statuses', () => {
    const tally = tallyRequests([answered(0, 200, 40), answered(1, 201), answered(2, 503, 12), answered(3, 503, 30), answered(4, 504, 10_000), answered(5, 500), answered(6, 502), answered(7, 429), lost(8, 'client timeout'), lost(9, 'ECONNRESET')]);
    expect(tally).toEqual({
      sent: 10,
      ok: 2,
      okMaxMs: 40,
      failedFast: { 503: { count: 2, maxMs: 30 }, 504: { count: 1, maxMs: 10_000 } },
      lost: 2,
      lostReasons: { 'client timeout': 1, ECONNRESET: 1 },
      serverErrors: { 500: 1, 502: 1 },
      otherStatuses: { 429: 1 },
    });
  });
});

describe('passed', () => {
  it('needs 0 lost, 0 duplicated, no 5xx besides 503/504, no unexpected status and every check', () => {
    expect(passed(scenario([answered(0, 200), answered(1, 503)]))).toBe(true);
    expect(passed(scenario([lost(0, 'client timeout')]))).toBe(false);
    expect(passed(scenario([answered(0, 500)]))).toBe(false);
    expect(passed(scenario([answered(0, 422)]))).toBe(false);
    expect(passed(scenario([answered(0, 200)], { duplicated: 1 }))).toBe(false);
    expect(passed(scenario([answered(0, 200)], { checks: [{ label: 'exit 0', ok: false }] }))).toBe(false);
  });
});

describe('renderTable', () => {
  it('prints one aligned row per scenario with the verdict and why it failed', () => {
    const table = renderTable([
      scenario([answered(0, 200), answered(1, 503, 12.2), answered(2, 503, 30.4)], { name: 'Redis restart' }),
      scenario([answered(0, 200), answered(1, 500), lost(2, 'ECONNRESET')], { name: 'broken', duplicated: 1, checks: [{ label: 'exit 0', ok: false }] }),
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^scenario\s+\| sent \| ok \| failed fast \(status×n, slowest\) \| lost \| duplicated \| 5xx\s+\| verdict$/);
    expect(lines[1]).toMatch(/^-+-\|-/);
    expect(lines[2].split('|').map((cell) => cell.trim())).toEqual(['Redis restart', '3', '1', '503×2 (≤31 ms)', '0', '0', '0', 'PASS']);
    expect(lines[3].split('|').map((cell) => cell.trim())).toEqual(['broken', '3', '1', '0', '1', '1', '500×1', 'FAIL: lost; duplicated; 5xx; exit 0']);
    expect(new Set(lines.map((line) => line.indexOf('|'))).size).toBe(1); // columns aligned
  });

  it('details list each check, the reasons requests were lost and the notes', () => {
    const details = renderDetails([scenario([lost(0, 'client timeout')], { checks: [{ label: 'exit 0', ok: true, detail: 'after 40 ms' }], notes: ['1 reclaimed'] })]);
    expect(details).toContain('ok   exit 0: after 40 ms');
    expect(details).toContain('lost: client timeout ×1');
    expect(details).toContain('· 1 reclaimed');
  });
});
