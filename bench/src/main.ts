// `npm run bench [-- --quick]`: ceiling, ours, the naive peer and scale-out, measured in one run.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { comparePredictions } from '@sentiment-ops/evaluation';
import { buildFixtureModel } from '@sentiment-ops/model-fixtures';
import { measureCeiling, servedSettings, type CeilingResult } from './ceiling';
import { loadCorpus } from './corpus';
import { countModelFlops } from './hardware/model-flops';
import { probeMatMulShapes } from './hardware/matmul-probe';
import { BENCH_USAGE, BenchUsageError, parseBenchArgs, type BenchOptions } from './options';
import { evaluateTargets, renderMarkdown, slopeMbPerMinute, type BenchReport, type PhaseResult, type SoakResult } from './report';
import { runSweep } from './sweep';
import { measureWireJsonMicros } from './wire';
import { BenchProcess, freePort } from './stack/services';
import { BenchStack, deletePrefix } from './stack/stack-runner';
import { RssSampler } from './stack/process-stats';
import { runLoad } from './stack/load';

const root = resolve(__dirname, '../..');
const log = (line: string): void => console.log(`[bench] ${line}`);
const ONNX_FILE = { q8: 'onnx/model_quantized.onnx', fp32: 'onnx/model.onnx' } as const;

const packageVersion = (name: string): string => (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

const ensureModel = async (options: BenchOptions): Promise<void> => {
  if (existsSync(join(options.modelDir, ONNX_FILE.fp32)) && existsSync(join(options.modelDir, ONNX_FILE.q8))) return;
  if (!existsSync(join(options.tokenizer, 'tokenizer.json'))) {
    throw new BenchUsageError(`${options.modelDir} has no model and the tokenizer ${options.tokenizer} is missing: pass --tokenizer DIR (roberta-base) or --model-dir`);
  }
  log(`building the base fixture model in ${options.modelDir} (roberta-base size, ~20 s)`);
  await buildFixtureModel({ size: 'base', outDir: options.modelDir, tokenizerDir: options.tokenizer, onProgress: (line) => log(`  ${line}`) });
};

const ensureRedis = async (url: string): Promise<void> => {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    throw new BenchUsageError(`Redis is not reachable at ${url} (set REDIS_URL or start redis-server)`);
  } finally {
    redis.disconnect();
  }
};

const buildApps = (): void => {
  log('building gateway and inference (nx build, cached when unchanged)');
  const result = spawnSync(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'run-many', '-t', 'build', '-p', 'gateway', 'inference', '--outputStyle=static'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  if (result.status !== 0) throw new Error('nx build failed');
};

const phaseLine = (label: string, phase: PhaseResult): string =>
  `${label} c=${phase.connections}: ${phase.reqPerSec.toFixed(1)} req/s, p50 ${phase.p50Ms.toFixed(1)} ms, p99 ${phase.p99Ms.toFixed(1)} ms, errors ${phase.errors}` +
  (phase.meanBatchSize !== undefined ? `, ${phase.meanBatchSize.toFixed(1)} items/call` : '');

const runPeer = async (options: BenchOptions, concurrency: number[], bodies: string[]): Promise<PhaseResult[]> => {
  const port = await freePort();
  const peer = await BenchProcess.start({
    name: 'peer',
    cwd: root,
    args: ['-r', '@swc-node/register', join(root, 'bench/src/peer/peer-server.ts')],
    env: { SWC_NODE_PROJECT: join(root, 'tsconfig.base.json'), PORT: String(port), MODEL_DIR: resolve(options.modelDir), DTYPE: options.dtype },
    port,
    readyPath: '/health',
  });
  try {
    const phases: PhaseResult[] = [];
    for (const connections of concurrency) {
      const sampler = new RssSampler(peer.pid, 250);
      const load = await runLoad({ url: `${peer.baseUrl}/api/v1/sentiment`, connections, durationSeconds: options.durationSeconds, bodies, warmupSeconds: 1 });
      const phase: PhaseResult = { ...load, serverRssBytes: Math.max(...sampler.stop().map((s) => s.rssBytes)) };
      log(phaseLine('peer', phase));
      phases.push(phase);
    }
    return phases;
  } finally {
    await peer.stop();
  }
};

const runSoak = async (stack: BenchStack, seconds: number, bodies: string[]): Promise<SoakResult> => {
  const sampler = new RssSampler(stack.replicas[0].pid, 5_000);
  const load = await runLoad({ url: stack.url, connections: 32, durationSeconds: seconds, bodies });
  const samples = sampler.stop();
  const secondHalf = samples.filter((sample) => sample.atMs >= (seconds * 1000) / 2);
  return {
    seconds,
    requests: load.requests,
    errors: load.errors,
    rssStartBytes: samples[0].rssBytes,
    rssEndBytes: samples[samples.length - 1].rssBytes,
    rssMaxBytes: Math.max(...samples.map((s) => s.rssBytes)),
    rssSlopeMbPerMin: slopeMbPerMinute(secondHalf),
  };
};

async function main(argv: string[]): Promise<number> {
  const parsed = parseBenchArgs(argv);
  if (parsed === 'help') {
    console.log(BENCH_USAGE);
    return 0;
  }
  const options = parsed;
  const started = performance.now();
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const texts = loadCorpus(options.corpus, 5000);
  await ensureModel(options);
  await ensureRedis(redisUrl);
  buildApps();
  const bodies = texts.map((text) => JSON.stringify({ text }));

  log('probing ONNX Runtime MatMul throughput');
  const probe = await probeMatMulShapes({ intraOpThreads: options.threads, minSeconds: options.quick ? 0.6 : 1.5 });
  const limits = Object.values(probe.best).map((r) => ({ dtype: r.dtype, gflops: r.gflops, shape: `${r.m}x${r.k}x${r.n}` }));
  for (const limit of limits) log(`  ${limit.dtype}: ${limit.gflops.toFixed(1)} GFLOP/s (${limit.shape})`);

  const flops = countModelFlops(join(options.modelDir, ONNX_FILE.fp32));
  const ceiling: Partial<Record<'q8' | 'fp32', CeilingResult>> = {};
  const batchSizes = options.quick ? [1, 8, 32] : [1, 4, 8, 16, 32, 64];
  for (const dtype of options.dtype === 'q8' ? (['q8', 'fp32'] as const) : (['fp32'] as const)) {
    log(`ceiling (${dtype}, in-process, ${options.threads} threads)`);
    ceiling[dtype] = await measureCeiling({
      modelDir: options.modelDir,
      settings: servedSettings(dtype, options.threads),
      texts,
      batchSizes,
      secondsPerPoint: options.quick ? 2 : 5,
      flopsForSequence: (tokens) => flops.flopsForSequence(tokens),
      referenceTexts: texts.slice(0, options.quick ? 200 : 1000),
    });
    for (const p of ceiling[dtype].points) log(`  ${p.batchSize} items/call: ${p.itemsPerSec.toFixed(1)} items/s, call p50 ${p.callP50Ms.toFixed(1)} ms, ${p.achievedGflops?.toFixed(1)} GFLOP/s`);
  }

  const quantization =
    ceiling.q8?.referencePredictions && ceiling.fp32?.referencePredictions ? comparePredictions(ceiling.fp32.referencePredictions, ceiling.q8.referencePredictions) : undefined;
  for (const result of Object.values(ceiling)) delete result.referencePredictions; // not worth keeping in the JSON
  if (quantization) log(`q8 vs fp32: same label ${(quantization.labelAgreement * 100).toFixed(2)} %, mean |Δp| ${quantization.meanAbsProbabilityDiff.toFixed(4)}`);

  const prefix = `bench-${process.pid}`;
  const report: Omit<BenchReport, 'targets'> = {
    date: new Date().toISOString(),
    command: `npm run bench --${argv.length ? ` ${argv.join(' ')}` : ''}`,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: totalmem() / 1024 ** 3,
      node: process.versions.node,
      onnxruntime: packageVersion('onnxruntime-node'),
      transformers: packageVersion('@huggingface/transformers'),
      os: `${platform()} ${release()}`,
    },
    model: {
      dir: options.modelDir,
      dtype: options.dtype,
      fileBytes: statSync(join(options.modelDir, ONNX_FILE[options.dtype])).size,
      fileBytesByDtype: { q8: statSync(join(options.modelDir, ONNX_FILE.q8)).size, fp32: statSync(join(options.modelDir, ONNX_FILE.fp32)).size },
      weightFlopsPerToken: flops.weightFlopsPerToken,
    },
    hardware: { limits },
    wireJsonMicrosPerText: measureWireJsonMicros(texts),
    ceiling,
    quantization,
    ours: [],
    peer: [],
    durationSeconds: 0,
  };

  const stackOptions = { root, redisUrl, prefix, modelDir: options.modelDir, dtype: options.dtype };
  try {
    log(`ours: gateway → Redis → 1 inference replica (${options.dtype}, ${options.threads} threads)`);
    const stack = await BenchStack.start({ ...stackOptions, replicas: 1, threadsPerReplica: options.threads });
    try {
      for (const connections of options.concurrency) {
        const phase = await stack.phase(connections, options.durationSeconds, bodies);
        log(phaseLine('ours', phase));
        report.ours.push(phase);
      }
      if (options.soakSeconds > 0) {
        log(`memory soak: ${options.soakSeconds} s at concurrency 32`);
        report.soak = await runSoak(stack, options.soakSeconds, bodies);
      }
    } finally {
      await stack.stop();
    }

    if (options.scaleOut) {
      const oneReplica = report.ours.find((phase) => phase.connections === 32) ?? (await onePhase({ ...stackOptions, replicas: 1, threadsPerReplica: options.threads }, options, bodies));
      log(`scale-out: 2 replicas × ${Math.max(1, Math.floor(options.threads / 2))} thread(s)`);
      const twoReplicas = await onePhase({ ...stackOptions, replicas: 2, threadsPerReplica: Math.max(1, Math.floor(options.threads / 2)) }, options, bodies);
      log(phaseLine('2 replicas', twoReplicas));
      report.scaleOut = {
        oneReplica,
        twoReplicas,
        note:
          `1 replica with ${options.threads} intra-op threads vs 2 replicas with ${Math.max(1, Math.floor(options.threads / 2))} each, on the same ${cpus().length} cores: ` +
          'no hardware is added, so the difference is how well each layout uses the cores (one multi-threaded session vs single-threaded ones), at twice the memory. ' +
          'Replicas add capacity when they run on more cores or machines.',
      };
    }
  } finally {
    await deletePrefix(redisUrl, prefix);
  }

  if (options.peer) {
    log(`peer: Express + transformers.js pipeline() per request (${options.dtype})`);
    report.peer = await runPeer(options, options.quick ? options.concurrency.filter((c) => c === 1 || c === 32) : options.concurrency, bodies);
  }

  if (options.sweep) {
    log('sweeping runtime settings');
    report.sweep = await runSweep({ modelDir: options.modelDir, dtype: options.dtype, texts, threads: options.threads, secondsPerPoint: options.quick ? 2 : 4, onRow: (row) => log(`  ${row.name}=${row.value}: ${row.itemsPerSec.toFixed(1)} items/s`) });
  }

  report.durationSeconds = (performance.now() - started) / 1000;
  const full: BenchReport = { ...report, targets: evaluateTargets(report) };
  const markdown = renderMarkdown(full);
  mkdirSync(options.outDir, { recursive: true });
  const stamp = full.date.replace(/[:.]/g, '-');
  writeFileSync(join(options.outDir, `${stamp}.json`), `${JSON.stringify(full, null, 2)}\n`);
  writeFileSync(join(options.outDir, `${stamp}.md`), markdown);
  console.log(`\n${markdown}`);
  log(`wrote ${join(options.outDir, `${stamp}.json`)} and .md (paste the .md into docs/benchmarks.md)`);
  return 0;
}

const onePhase = async (stackOptions: Parameters<typeof BenchStack.start>[0], options: BenchOptions, bodies: string[]): Promise<PhaseResult> => {
  const stack = await BenchStack.start(stackOptions);
  try {
    return await stack.phase(32, options.durationSeconds, bodies);
  } finally {
    await stack.stop();
  }
};

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof BenchUsageError) {
      console.error(`error: ${error.message}\n\n${BENCH_USAGE}`);
      process.exit(2);
    }
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
