import type { ModelRuntime } from './model-runtime';
import { resolveModelSpec, type ModelDtype, type ModelRegistry, type ResolvedModelSpec } from './model-registry';

export interface ModelPoolOptions {
  registry: ModelRegistry;
  defaultModel: string;
  defaultDtype: ModelDtype;
  /** Models kept loaded besides the default one (least recently used ones are unloaded). */
  maxExtraModels: number;
  /** Folders clients may name directly; the default model and registry entries are trusted. */
  allowedFolders?: readonly string[];
  load: (spec: ResolvedModelSpec) => Promise<ModelRuntime>;
}

/**
 * The models a replica serves: the default one, loaded at start, and others loaded lazily on
 * first use and cached (bounded, LRU). Concurrent first requests share one load.
 */
export class ModelPool {
  private defaultRuntime?: ModelRuntime;
  private defaultLoading?: Promise<ModelRuntime>;
  private readonly extra = new Map<string, Promise<ModelRuntime>>();

  constructor(private readonly options: ModelPoolOptions) {}

  /** Loads the default model once: concurrent callers (start-up, probes, first requests) share the load. */
  async loadDefault(): Promise<ModelRuntime> {
    if (this.defaultRuntime) return this.defaultRuntime;
    this.defaultLoading ??= this.options.load(this.resolve(this.options.defaultModel)).catch((error: unknown) => {
      this.defaultLoading = undefined; // a later call may try again
      throw error;
    });
    this.defaultRuntime = await this.defaultLoading;
    return this.defaultRuntime;
  }

  get default(): ModelRuntime | undefined {
    return this.defaultRuntime;
  }

  /** What a client's `name` refers to (folders only under `allowedFolders`, except the configured default). */
  resolve(name: string): ResolvedModelSpec {
    const allowedFolders = name === this.options.defaultModel ? undefined : this.options.allowedFolders;
    return resolveModelSpec(name, this.options.registry, { defaultDtype: this.options.defaultDtype, allowedFolders });
  }

  /** The runtime for `name` (default model when absent); throws MODEL_NOT_FOUND for unknown names. */
  async get(name?: string): Promise<ModelRuntime> {
    const fallback = await this.loadDefault();
    if (!name || name === fallback.descriptor.name) return fallback;
    const cached = this.extra.get(name);
    if (cached) {
      this.extra.delete(name);
      this.extra.set(name, cached); // most recently used last
      return cached;
    }
    const spec = this.resolve(name);
    const loading = this.options.load(spec);
    this.extra.set(name, loading);
    loading.catch(() => this.extra.delete(name));
    await this.evict();
    return loading;
  }

  private async evict(): Promise<void> {
    while (this.extra.size > this.options.maxExtraModels) {
      const [oldest, runtime] = this.extra.entries().next().value as [string, Promise<ModelRuntime>];
      this.extra.delete(oldest);
      await runtime.then((loaded) => loaded.dispose()).catch(() => undefined);
    }
  }

  async dispose(): Promise<void> {
    const all = [...this.extra.values()];
    this.extra.clear();
    await Promise.all(all.map((runtime) => runtime.then((loaded) => loaded.dispose()).catch(() => undefined)));
    await this.defaultRuntime?.dispose();
  }
}
