import { readFileSync } from 'node:fs';

/** Resident and peak resident set size of a live process, in bytes (Linux /proc). */
export const readProcessMemory = (pid: number): { rssBytes: number; peakRssBytes: number } | undefined => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
  } catch {
    return undefined;
  }
};

/** Samples a process's RSS every `intervalMs` until stopped; returns every sample. */
export class RssSampler {
  private readonly samples: { atMs: number; rssBytes: number }[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly started = Date.now();

  constructor(private readonly pid: number, intervalMs = 500) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    const memory = readProcessMemory(this.pid);
    if (memory) this.samples.push({ atMs: Date.now() - this.started, rssBytes: memory.rssBytes });
  }

  stop(): { atMs: number; rssBytes: number }[] {
    clearInterval(this.timer);
    this.sample();
    return this.samples;
  }
}
