import type { ModelDescriptor } from '@sentiment-ops/contracts';
import type { ModelRuntime } from './model-runtime';
import { ModelPool } from './model-pool';
import type { ResolvedModelSpec } from './model-registry';

const fakeRuntime = (name: string): ModelRuntime => ({
  descriptor: { name, source: name, revision: 'main', dtype: 'q8', version: 'v1', maxLength: 512 } as ModelDescriptor,
  predict: async () => [],
  dispose: jest.fn(async () => undefined),
});

const pool = (load: (spec: ResolvedModelSpec) => Promise<ModelRuntime>) =>
  new ModelPool({ registry: { base: { source: 'owner/base', revision: 'main' } }, defaultModel: 'base', defaultDtype: 'q8', maxExtraModels: 1, load });

describe('ModelPool', () => {
  it('loads the default model once however many callers ask at the same time (never two copies)', async () => {
    const load = jest.fn(async (spec: ResolvedModelSpec) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return fakeRuntime(spec.name);
    });
    const models = pool(load);
    const runtimes = await Promise.all([models.loadDefault(), models.get(), models.loadDefault(), models.get('base')]);
    expect(load).toHaveBeenCalledTimes(1);
    expect(new Set(runtimes).size).toBe(1);
  });

  it('tries again after a failed default load', async () => {
    const load = jest.fn().mockRejectedValueOnce(new Error('disk error')).mockResolvedValueOnce(fakeRuntime('base'));
    const models = pool(load);
    await expect(models.loadDefault()).rejects.toThrow('disk error');
    await expect(models.loadDefault()).resolves.toMatchObject({ descriptor: { name: 'base' } });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares concurrent loads of another model and unloads the least recently used beyond the limit', async () => {
    const loaded: ModelRuntime[] = [];
    const models = pool(async (spec) => {
      const runtime = fakeRuntime(spec.name);
      loaded.push(runtime);
      return runtime;
    });
    const [a1, a2] = await Promise.all([models.get('owner/a'), models.get('owner/a')]);
    expect(a1).toBe(a2);
    await models.get('owner/b'); // limit 1: "owner/a" goes
    expect(loaded.map((r) => r.descriptor.name)).toEqual(['base', 'owner/a', 'owner/b']);
    expect(loaded[1].dispose).toHaveBeenCalled();
    expect(loaded[2].dispose).not.toHaveBeenCalled();
  });
});
