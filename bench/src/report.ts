import type { PredictionAgreement } from '@sentiment-ops/evaluation';
import type { CeilingResult } from './ceiling';
import type { LoadResult } from './stack/load';

/** One load phase against a server: the load figures plus what the server reported. */
export interface PhaseResult extends LoadResult {
  /** Items per model call (inference_batch_size), ours only. */
  meanBatchSize?: number;
  /** Peak RSS of the model-serving process(es) during the phase, bytes. */
  serverRssBytes?: number;
  /** Event-loop lag p99 (s) of the gateway and the inference replica over the phase. */
  gatewayLoopLagP99?: number;
  inferenceLoopLagP99?: number;
}

export interface MatMulLimit {
  dtype: 'fp32' | 'int8';
  gflops: number;
  shape: string;
}

export interface SoakResult {
  seconds: number;
  requests: number;
  errors: number;
  rssStartBytes: number;
  rssEndBytes: number;
  rssMaxBytes: number;
  /** Least-squares slope of RSS over the second half of the soak, MB per minute. */
  rssSlopeMbPerMin: number;
}

export interface BenchReport {
  date: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; onnxruntime: string; transformers: string; os: string };
  model: { dir: string; dtype: 'q8' | 'fp32'; fileBytes: number; fileBytesByDtype: Record<string, number>; weightFlopsPerToken: number };
  hardware: { limits: MatMulLimit[] };
  /** JSON encode + decode of one text's request and reply between gateway and replica, µs. */
  wireJsonMicrosPerText?: number;
  ceiling: Partial<Record<'q8' | 'fp32', CeilingResult>>;
  ours: PhaseResult[];
  peer: PhaseResult[];
  scaleOut?: { oneReplica: PhaseResult; twoReplicas: PhaseResult; note: string };
  soak?: SoakResult;
  /** q8 against fp32 on the same texts (the fixture's labels mean nothing; agreement does). */
  quantization?: PredictionAgreement;
  sweep?: { name: string; value: string; itemsPerSec: number }[];
  targets: Target[];
  durationSeconds: number;
}

export interface Target {
  name: string;
  value: number | undefined;
  goal: string;
  met: boolean | undefined;
}

const MB = 1024 * 1024;

const at = (phases: readonly PhaseResult[], connections: number): PhaseResult | undefined => phases.find((phase) => phase.connections === connections);

/** The issue's targets, each a ratio or difference of figures measured in the same run. */
export const evaluateTargets = (report: Omit<BenchReport, 'targets'>): Target[] => {
  const served = report.ceiling[report.model.dtype];
  const ours32 = at(report.ours, 32);
  const peer32 = at(report.peer, 32);
  const ours1 = at(report.ours, 1);
  const single = served?.points.find((point) => point.batchSize === 1);
  const fp32 = report.ceiling.fp32?.best;
  const fp32Limit = report.hardware.limits.find((limit) => limit.dtype === 'fp32');
  const ratio = (a?: number, b?: number): number | undefined => (a !== undefined && b !== undefined && b > 0 ? a / b : undefined);
  const check = (value: number | undefined, ok: (v: number) => boolean): boolean | undefined => (value === undefined ? undefined : ok(value));

  const oursOverCeiling = ratio(ours32?.reqPerSec, served?.best.itemsPerSec);
  const oursOverPeer = ratio(ours32?.reqPerSec, peer32?.reqPerSec);
  const p99Ratio = ratio(ours32?.p99Ms, peer32?.p99Ms);
  const addedLatency = ours1 && single ? ours1.p50Ms - single.callP50Ms : undefined;
  const fractionOfLimit = ratio(fp32?.achievedGflops, fp32Limit?.gflops);
  const rssBudget = report.model.dtype === 'q8' ? 1.5 * report.model.fileBytes + 300 * MB : undefined;
  const rss = report.model.dtype === 'q8' ? Math.max(...report.ours.map((phase) => phase.serverRssBytes ?? 0)) : undefined;
  const rssRatio = ratio(rss, rssBudget);

  return [
    { name: 'ours / ceiling throughput at concurrency 32', value: oursOverCeiling, goal: '>= 0.90', met: check(oursOverCeiling, (v) => v >= 0.9) },
    { name: 'ours / peer throughput at concurrency 32', value: oursOverPeer, goal: '>= 2.5', met: check(oursOverPeer, (v) => v >= 2.5) },
    { name: 'ours p99 / peer p99 at concurrency 32', value: p99Ratio, goal: '<= 1.0', met: check(p99Ratio, (v) => v <= 1) },
    { name: 'added latency at concurrency 1 (ms, ours p50 - ceiling p50 of one item)', value: addedLatency, goal: '<= 3 ms', met: check(addedLatency, (v) => v <= 3) },
    { name: 'fp32 achieved / measured MatMul limit (best batch)', value: fractionOfLimit, goal: '>= 0.5', met: check(fractionOfLimit, (v) => v >= 0.5) },
    { name: 'inference peak RSS / (1.5 x q8 file + 300 MB)', value: rssRatio, goal: '<= 1.0', met: check(rssRatio, (v) => v <= 1) },
  ];
};

const fmt = (value: number | undefined, digits = 1): string => (value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits));
const mb = (bytes: number | undefined): string => (bytes === undefined ? 'n/a' : `${Math.round(bytes / MB)} MB`);

const table = (header: string[], rows: string[][]): string =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

const phaseRows = (label: string, phases: readonly PhaseResult[]): string[][] =>
  phases.map((phase) => [
    label,
    String(phase.connections),
    fmt(phase.reqPerSec),
    fmt(phase.p50Ms),
    fmt(phase.p95Ms),
    fmt(phase.p99Ms),
    `${phase.errors}${phase.errors ? ` (${Object.entries(phase.failures).map(([k, n]) => `${k}×${n}`).join(', ')})` : ''}`,
    fmt(phase.meanBatchSize),
    mb(phase.serverRssBytes),
    phase.gatewayLoopLagP99 === undefined ? 'n/a' : `${fmt(phase.gatewayLoopLagP99 * 1000)} / ${fmt((phase.inferenceLoopLagP99 ?? Number.NaN) * 1000)}`,
  ]);

/** The Markdown summary (also what the console shows). */
export const renderMarkdown = (report: BenchReport): string => {
  const sections: string[] = [];
  const m = report.machine;
  sections.push(
    `Run ${report.date} (${fmt(report.durationSeconds, 0)} s): \`${report.command}\`\n\n` +
      `Machine: ${m.cpu}, ${m.cores} cores, ${fmt(m.memoryGiB, 0)} GiB, ${m.os}; Node ${m.node}, onnxruntime-node ${m.onnxruntime}, transformers.js ${m.transformers}.\n` +
      `Model: ${report.model.dir} served as ${report.model.dtype} (${mb(report.model.fileBytes)} ONNX file; ` +
      `${fmt(report.model.weightFlopsPerToken / 1e6, 0)} MFLOP per token in weight matmuls).`,
  );
  sections.push(
    '### Targets (ratios from this run)\n\n' +
      table(
        ['target', 'measured', 'goal', 'met'],
        report.targets.map((t) => [t.name, fmt(t.value, 2), t.goal, t.met === undefined ? 'not measured' : t.met ? 'yes' : '**no**']),
      ),
  );
  sections.push(
    '### Hardware: ONNX Runtime MatMul\n\n' + table(['dtype', 'best GFLOP/s', 'shape'], report.hardware.limits.map((l) => [l.dtype, fmt(l.gflops), l.shape])),
  );
  const ceilingRows = Object.values(report.ceiling).flatMap((result) =>
    result
      ? result.points.map((p) => [
          result.settings.dtype,
          String(p.batchSize),
          fmt(p.itemsPerSec),
          fmt(p.callP50Ms),
          fmt(p.meanTokens),
          `${fmt(p.tokenizeShare * 100)} %`,
          fmt(p.achievedGflops),
          p.batchSize === result.best.batchSize ? 'best' : '',
        ])
      : [],
  );
  const servedBest = report.ceiling[report.model.dtype]?.best;
  const wire =
    report.wireJsonMicrosPerText === undefined || !servedBest
      ? ''
      : `\n\nJSON between gateway and replica (request and reply, encoded and decoded): ${fmt(report.wireJsonMicrosPerText)} µs per text, ` +
        `${fmt((report.wireJsonMicrosPerText / 1000 / (1000 / servedBest.itemsPerSec)) * 100, 2)} % of the best compute time per text.`;
  sections.push(
    '### Ceiling: the runtime in-process (no HTTP, no Redis)\n\n' +
      table(['dtype', 'items per call', 'items/s', 'call p50 ms', 'tokens/item', 'tokenising', 'achieved GFLOP/s', ''], ceilingRows) +
      wire,
  );
  const header = ['server', 'concurrency', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'items/model call', 'server RSS', 'loop lag p99 ms (gw / inf)'];
  sections.push('### Full stack vs the naive peer\n\n' + table(header, [...phaseRows('ours', report.ours), ...phaseRows('peer', report.peer)]));
  if (report.quantization) {
    const q = report.quantization;
    sections.push(
      `### Cost of q8 on this model\n\nOn ${q.items} corpus texts, q8 and fp32 give the same label for ${fmt(q.labelAgreement * 100, 2)} % of them; ` +
        `class probabilities differ by ${fmt(q.meanAbsProbabilityDiff, 4)} on average (at most ${fmt(q.maxAbsProbabilityDiff, 4)}).`,
    );
  }
  if (report.scaleOut) {
    sections.push(
      `### Scale-out: 1 vs 2 inference replicas (concurrency 32)\n\n${report.scaleOut.note}\n\n` +
        table(header, [...phaseRows('1 replica', [report.scaleOut.oneReplica]), ...phaseRows('2 replicas', [report.scaleOut.twoReplicas])]),
    );
  }
  if (report.soak) {
    const s = report.soak;
    sections.push(
      `### Memory over a ${fmt(s.seconds, 0)} s soak (concurrency 32)\n\n` +
        `${s.requests} requests, ${s.errors} errors; inference RSS start ${mb(s.rssStartBytes)}, end ${mb(s.rssEndBytes)}, max ${mb(s.rssMaxBytes)}; ` +
        `slope over the second half ${fmt(s.rssSlopeMbPerMin, 2)} MB/min.`,
    );
  }
  if (report.sweep?.length) {
    sections.push(
      '### Runtime settings sweep (items/s, in-process, 32 items per call; one setting changed at a time from the defaults)\n\n' +
        table(['setting', 'value', 'items/s'], report.sweep.map((row) => [row.name, row.value, fmt(row.itemsPerSec)])),
    );
  }
  return sections.join('\n\n') + '\n';
};

/** Least-squares slope of (x seconds, y bytes) in MB per minute. */
export const slopeMbPerMinute = (points: readonly { atMs: number; rssBytes: number }[]): number => {
  if (points.length < 2) return 0;
  const xs = points.map((p) => p.atMs / 60_000);
  const ys = points.map((p) => p.rssBytes / MB);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i] - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? 0 : num / den;
};
