/** Sum of every sample of `name` in a Prometheus text exposition whose labels include `labels`. */
export const metricSum = (text: string, name: string, labels: Record<string, string> = {}): number =>
  text
    .split('\n')
    .filter((line) => (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
    .reduce((total, line) => total + Number(line.trim().split(/\s+/).pop()), 0);
