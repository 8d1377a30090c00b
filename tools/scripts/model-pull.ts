/**
 * `npm run model:pull -- <model> [--dtype q8|fp32] [--revision REV] [--cache-dir DIR] [--endpoint URL]`
 * Downloads a model (a registered name such as the default cardiffnlp model, or any hub id) into
 * the models cache, with a progress bar, so air-gapped machines and Docker builds can run with
 * HF_HUB_OFFLINE=1 afterwards. Reads the same MODELS_CACHE_DIR / HF_ENDPOINT as the inference service.
 */
import { resolve } from 'node:path';
import { MultiBar, Presets } from 'cli-progress';
import {
  BUILT_IN_MODEL_REGISTRY,
  configureTransformersEnv,
  MODEL_DTYPES,
  resolveModelSpec,
  TransformerModelRuntime,
  type ModelDtype,
} from '@sentiment-ops/model-runtime';

const USAGE = 'usage: npm run model:pull -- <model name or hub id> [--dtype q8|fp32] [--revision REV] [--cache-dir DIR] [--endpoint URL]';

const parseArgs = (argv: string[]) => {
  const options: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [key, inline] = arg.slice(2).split('=', 2);
    const value = inline ?? argv[++i];
    if (!['dtype', 'revision', 'cache-dir', 'endpoint'].includes(key) || value === undefined) throw new Error(`unknown or incomplete option ${arg}`);
    options[key] = value;
  }
  if (positional.length !== 1) throw new Error('give exactly one model');
  const dtype = (options['dtype'] ?? process.env['MODEL_DTYPE'] ?? 'q8') as ModelDtype;
  if (!MODEL_DTYPES.includes(dtype)) throw new Error(`--dtype must be one of ${MODEL_DTYPES.join(', ')}`);
  return {
    model: positional[0],
    dtype,
    revision: options['revision'],
    cacheDir: resolve(options['cache-dir'] ?? process.env['MODELS_CACHE_DIR'] ?? 'models/cache'),
    endpoint: options['endpoint'] ?? process.env['HF_ENDPOINT'],
  };
};

const main = async (): Promise<void> => {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`model:pull: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  configureTransformersEnv({ cacheDir: args.cacheDir, offline: false, hubEndpoint: args.endpoint });
  const spec = resolveModelSpec(args.model, BUILT_IN_MODEL_REGISTRY, { defaultDtype: args.dtype });
  if (spec.kind === 'local') {
    console.error(`model:pull: ${args.model} is a local folder; nothing to download`);
    process.exit(2);
  }
  if (args.revision) spec.revision = args.revision;
  console.log(`pulling ${spec.name} from ${spec.location}@${spec.revision} (${spec.dtype}) into ${args.cacheDir}`);

  const bars = new MultiBar({ format: ' {bar} {percentage}% | {file} | {value}/{total} bytes', hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
  const fileBars = new Map<string, ReturnType<MultiBar['create']>>();
  const runtime = await TransformerModelRuntime.load(spec, {
    cacheDir: args.cacheDir,
    intraOpNumThreads: 1,
    maxSubBatchSize: 1,
    maxSubBatchTokens: 512,
    onProgress: (info) => {
      if (!info.file || info.total === undefined) return;
      let bar = fileBars.get(info.file);
      if (!bar) {
        bar = bars.create(info.total || 1, 0, { file: info.file });
        fileBars.set(info.file, bar);
      }
      bar.setTotal(info.total || 1);
      bar.update(info.loaded ?? 0, { file: info.file });
    },
  });
  bars.stop();
  const [check] = await runtime.predict(['model pull check']);
  console.log(`ready: ${runtime.descriptor.name} version ${runtime.descriptor.version}, max length ${runtime.descriptor.maxLength}; test prediction ${check.label} (${check.confidence.toFixed(3)})`);
  console.log(`serve it offline with: MODEL_ID=${args.model} MODELS_CACHE_DIR=${args.cacheDir} HF_HUB_OFFLINE=1 npm start`);
  await runtime.dispose();
};

main().catch((error: Error) => {
  console.error(`model:pull: ${error.message}`);
  process.exit(1);
});
