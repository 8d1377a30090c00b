import { ConflictException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type { ApiKeyDto, CreateApiKeyBody, CreatedApiKeyDto } from '@sentiment-ops/contracts';
import { ApiKeyRepository, PersistenceErrorCode, PersistenceException, type ApiKeyRecord } from '@sentiment-ops/persistence';
import { generateApiKey, hashSecret } from '../auth/api-key-crypto';
import { ApiKeyStore } from '../auth/api-key.store';
import type { Principal } from '../auth/principal';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';

const fromDatabase = (record: ApiKeyRecord): ApiKeyDto => ({ ...record, source: 'database' });

/** Issues, lists and revokes API keys. Keys from API_KEYS are listed but managed by redeploying. */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly repository: ApiKeyRepository,
    private readonly store: ApiKeyStore,
  ) {}

  /** The new key is in the answer and nowhere else: only its hash is stored. */
  async create(body: CreateApiKeyBody, by: Principal): Promise<CreatedApiKeyDto> {
    if (this.isEnvKey(body.name)) throw new ConflictException(`an API key named ${body.name} is configured in API_KEYS; choose another name`);
    const key = generateApiKey();
    try {
      const record = await this.repository.create({ name: body.name, role: body.role, hash: hashSecret(key) });
      this.logger.log(`API key ${body.name} (${body.role}) created by ${by.kind === 'key' ? by.name : 'anonymous'}`);
      return { ...fromDatabase(record), key };
    } catch (error) {
      if (error instanceof PersistenceException && error.code === PersistenceErrorCode.ApiKeyExists) throw new ConflictException(`${error.message}; revoke it first or choose another name`);
      throw error;
    }
  }

  async list(): Promise<ApiKeyDto[]> {
    const fromEnv = this.config.auth.envKeys.map(({ name, role }): ApiKeyDto => ({ name, role, source: 'env', createdAt: null, revokedAt: null, lastUsedAt: null }));
    return [...fromEnv, ...(await this.repository.list()).map(fromDatabase)];
  }

  /** Revokes at once on this replica; other replicas stop accepting the key within API_KEY_CACHE_MS. */
  async revoke(name: string, by: Principal): Promise<void> {
    if (this.isEnvKey(name)) throw new ConflictException(`API key ${name} comes from API_KEYS and cannot be revoked through the API: remove it from API_KEYS and redeploy`);
    if (!(await this.repository.revoke(name))) throw new NotFoundException(`no active API key named ${name}`);
    this.store.forget(name);
    this.logger.log(`API key ${name} revoked by ${by.kind === 'key' ? by.name : 'anonymous'}`);
  }

  private isEnvKey(name: string): boolean {
    return this.config.auth.envKeys.some((key) => key.name === name);
  }
}
