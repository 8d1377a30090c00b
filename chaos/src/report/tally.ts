import type { RequestRecord } from '../load/load-driver';

/** Statuses that count as failing fast: the caller learns at once (503) or by the deadline (504) that it may retry. */
export const FAIL_FAST_STATUSES = [503, 504] as const;

export interface StatusTally {
  count: number;
  maxMs: number;
}

export interface RequestTally {
  sent: number;
  ok: number;
  /** The slowest 2xx answer. */
  okMaxMs: number;
  /** 503 / 504 answers by status. */
  failedFast: Record<number, StatusTally>;
  /** No HTTP answer before the client's timeout (or the connection broke). */
  lost: number;
  lostReasons: Record<string, number>;
  /** Any other 5xx (500, 502, ...): always a failure. */
  serverErrors: Record<number, number>;
  /** Anything else that is not 2xx (e.g. 4xx): unexpected in these scenarios. */
  otherStatuses: Record<number, number>;
}

export interface CheckResult {
  label: string;
  ok: boolean;
  detail?: string;
}

export interface ScenarioResult {
  name: string;
  /** One line: what was done to the stack. */
  fault: string;
  requests: RequestTally;
  /** Computations answered twice (reply ledger) or evaluation work done twice. */
  duplicated: number;
  /** Scenario-specific conditions (processes alive, exit codes, reclaims, evaluation rows...). */
  checks: CheckResult[];
  notes: string[];
  durationMs: number;
}

export const emptyTally = (): RequestTally => ({ sent: 0, ok: 0, okMaxMs: 0, failedFast: {}, lost: 0, lostReasons: {}, serverErrors: {}, otherStatuses: {} });

const bump = (map: Record<string | number, number>, key: string | number, by = 1): void => {
  map[key] = (map[key] ?? 0) + by;
};

export const tallyRequests = (records: readonly RequestRecord[], into: RequestTally = emptyTally()): RequestTally => {
  for (const record of records) {
    into.sent++;
    const { outcome } = record;
    if (outcome.kind === 'lost') {
      into.lost++;
      bump(into.lostReasons, outcome.reason);
      continue;
    }
    const { status } = outcome;
    if (status >= 200 && status < 300) {
      into.ok++;
      into.okMaxMs = Math.max(into.okMaxMs, record.durationMs);
    } else if ((FAIL_FAST_STATUSES as readonly number[]).includes(status)) {
      const entry = (into.failedFast[status] ??= { count: 0, maxMs: 0 });
      entry.count++;
      entry.maxMs = Math.max(entry.maxMs, record.durationMs);
    } else if (status >= 500) {
      bump(into.serverErrors, status);
    } else {
      bump(into.otherStatuses, status);
    }
  }
  return into;
};

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

export const serverErrorCount = (tally: RequestTally): number => sum(Object.values(tally.serverErrors));

/** The target of every scenario: 0 lost, 0 duplicated, 0 × 5xx (besides 503/504), and its own checks. */
export const passed = (result: ScenarioResult): boolean =>
  result.requests.lost === 0 &&
  result.duplicated === 0 &&
  serverErrorCount(result.requests) === 0 &&
  Object.keys(result.requests.otherStatuses).length === 0 &&
  result.checks.every((check) => check.ok);
