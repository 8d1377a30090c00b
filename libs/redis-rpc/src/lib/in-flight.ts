export interface InFlightEntry {
  lane: string;
  entryId: string;
  startedAt: number;
}

/** Entries a replica is computing: bounds the read loop and feeds the heartbeat and graceful close. */
export class InFlightTracker {
  private readonly entries = new Map<string, InFlightEntry>();
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.entries.size;
  }

  has(lane: string, entryId: string): boolean {
    return this.entries.has(`${lane}\n${entryId}`);
  }

  add(entry: InFlightEntry): void {
    this.entries.set(`${entry.lane}\n${entry.entryId}`, entry);
  }

  remove(lane: string, entryId: string): InFlightEntry | undefined {
    const key = `${lane}\n${entryId}`;
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.wakeAll();
    }
    return entry;
  }

  /** Entry ids per lane, for one XCLAIM per lane. */
  idsByLane(): Map<string, string[]> {
    const byLane = new Map<string, string[]>();
    for (const { lane, entryId } of this.entries.values()) {
      const ids = byLane.get(lane);
      if (ids) ids.push(entryId);
      else byLane.set(lane, [entryId]);
    }
    return byLane;
  }

  /** Resolves at the next finished entry (or `wakeAll()`), so the read loop never polls. */
  waitForChange(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** True when everything finished within `timeoutMs`. */
  async waitUntilEmpty(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.entries.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.waitForChange(), new Promise<void>((resolve) => (timer = setTimeout(resolve, left)))]);
      clearTimeout(timer);
    }
    return true;
  }
}
