import { Injectable, Logger } from '@nestjs/common';
import { MODEL_NAME_PATTERN, ModelRegistryRepository, PersistenceException } from '@sentiment-ops/persistence';
import { fieldError } from '../common/request-validation';

/**
 * Turns what a client names (`name`, `name@3`, `name@candidate`) into what the inference replicas
 * load: the registered version's artifact folder. Names the registry does not know pass through
 * unchanged (built-in names, hub ids, folders), and so do plain names while Postgres is down, so
 * predictions never depend on the database; a `name@…` reference does.
 */
const REGISTRY_REFERENCE = new RegExp(`^${MODEL_NAME_PATTERN.source.slice(1, -1)}(@[A-Za-z0-9_-]+)?$`);

@Injectable()
export class ModelReferenceResolver {
  private readonly logger = new Logger(ModelReferenceResolver.name);

  constructor(private readonly registry: ModelRegistryRepository) {}

  async resolve(reference: string, field: string, location: 'body' | 'query'): Promise<string> {
    // Folders and other names that cannot be registry references go to the replicas as given.
    if (!REGISTRY_REFERENCE.test(reference)) return reference;
    const pinned = reference.includes('@');
    try {
      const version = await this.registry.resolve(reference);
      if (version) return version.uri;
      if (pinned) throw fieldError(location, field, `no registered version or alias matches ${reference}`, 'unknown_model');
      return reference;
    } catch (error) {
      if (error instanceof PersistenceException) throw fieldError(location, field, error.message, 'invalid_model_reference');
      if (pinned || !(error instanceof Error) || error.name === 'RequestValidationException') throw error;
      this.logger.warn(`model registry unavailable, using "${reference}" as given: ${error.message}`);
      return reference;
    }
  }
}
