/** Sum of every sample of `metric` (all label sets) in a Prometheus text exposition. */
export const sumMetric = (exposition: string, metric: string): number => {
  let total = 0;
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    if (line.startsWith(`${metric}{`) || line.startsWith(`${metric} `)) {
      const value = Number(line.trim().split(/\s+/).pop());
      if (Number.isFinite(value)) total += value;
    }
  }
  return total;
};

/** Largest sample of `metric` across label sets (e.g. an event-loop lag gauge). */
export const maxMetric = (exposition: string, metric: string): number => {
  let max = Number.NaN;
  for (const line of exposition.split('\n')) {
    if (line.startsWith(`${metric}{`) || line.startsWith(`${metric} `)) {
      const value = Number(line.trim().split(/\s+/).pop());
      if (Number.isFinite(value)) max = Number.isNaN(max) ? value : Math.max(max, value);
    }
  }
  return max;
};
