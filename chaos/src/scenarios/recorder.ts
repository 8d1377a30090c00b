import type { RequestRecord } from '../load/load-driver';
import { emptyTally, tallyRequests, type CheckResult, type ScenarioResult } from '../report/tally';

/** Collects one scenario's numbers, checks and notes while it runs. */
export class ScenarioRecorder {
  private readonly checks: CheckResult[] = [];
  private readonly notes: string[] = [];
  private readonly tally = emptyTally();
  private readonly startedAt = Date.now();
  duplicated = 0;

  constructor(
    readonly name: string,
    readonly fault: string,
  ) {}

  check(label: string, ok: boolean, detail?: string): boolean {
    this.checks.push({ label, ok, detail });
    return ok;
  }

  note(text: string): void {
    this.notes.push(text);
  }

  requests(records: readonly RequestRecord[]): void {
    tallyRequests(records, this.tally);
  }

  result(): ScenarioResult {
    return { name: this.name, fault: this.fault, requests: this.tally, duplicated: this.duplicated, checks: this.checks, notes: this.notes, durationMs: Date.now() - this.startedAt };
  }
}
