import { env } from '@huggingface/transformers';

export interface TransformersEnvOptions {
  /** Where downloaded hub files are kept (never inside node_modules). */
  cacheDir: string;
  /** HF_HUB_OFFLINE: never touch the network; only local folders and the cache. */
  offline: boolean;
  /** A hub mirror, e.g. https://hf-mirror.example/ (trailing slash added). */
  hubEndpoint?: string;
}

/** transformers.js keeps its settings in one global object: set them once per process. */
export const configureTransformersEnv = ({ cacheDir, offline, hubEndpoint }: TransformersEnvOptions): void => {
  env.cacheDir = cacheDir;
  env.useFSCache = true;
  env.allowLocalModels = true;
  env.allowRemoteModels = !offline;
  if (hubEndpoint) env.remoteHost = hubEndpoint.endsWith('/') ? hubEndpoint : `${hubEndpoint}/`;
  if (offline) {
    // Belt and braces: with remote models off transformers.js does not fetch, but if a future
    // version did, offline must still mean offline.
    env.fetch = async (input: string | URL) => {
      throw new Error(`HF_HUB_OFFLINE=1: refusing to fetch ${String(input)}`);
    };
  }
};
