import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiKeyRepository, type ActiveApiKey } from '@sentiment-ops/persistence';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { findByHash, hashesEqual, hashSecret } from './api-key-crypto';
import type { Principal } from './principal';

// Bounds the lookup cache: random keys sprayed at the API must not grow memory without limit.
const MAX_CACHED_LOOKUPS = 10_000;
// last_used_at is a write: at most one per key per minute from each replica.
const TOUCH_INTERVAL_MS = 60_000;

interface CachedLookup {
  key: ActiveApiKey | null;
  expiresAt: number;
}

/**
 * Turns a presented key into a principal. Keys from API_KEYS are compared in memory (hashes only);
 * other keys are looked up in Postgres by hash, and the answer (found or not) is reused for
 * API_KEY_CACHE_MS. That is how long a revocation takes to reach the other gateway replicas; the
 * replica that revokes forgets the key at once.
 */
@Injectable()
export class ApiKeyStore {
  private readonly logger = new Logger(ApiKeyStore.name);
  private readonly lookups = new Map<string, CachedLookup>();
  private readonly lastTouched = new Map<string, number>();

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly repository: ApiKeyRepository,
  ) {}

  /** The key's principal, or null when the key is unknown or revoked. Postgres errors propagate (503). */
  async authenticate(presented: string): Promise<Principal | null> {
    const hash = hashSecret(presented);
    const fromEnv = findByHash(this.config.auth.envKeys, hash);
    if (fromEnv) return { kind: 'key', name: fromEnv.name, role: fromEnv.role, source: 'env' };
    const stored = await this.lookup(hash);
    if (!stored || !hashesEqual(stored.hash, hash)) return null;
    this.touch(stored.name);
    return { kind: 'key', name: stored.name, role: stored.role, source: 'database' };
  }

  /** Forgets cached lookups of a key (called by the replica that revokes it). */
  forget(name: string): void {
    for (const [hash, cached] of this.lookups) if (cached.key?.name === name) this.lookups.delete(hash);
  }

  private async lookup(hash: Buffer): Promise<ActiveApiKey | null> {
    const ttl = this.config.auth.keyCacheMs;
    if (ttl === 0) return this.repository.findActiveByHash(hash);
    const id = hash.toString('hex');
    const cached = this.lookups.get(id);
    if (cached && cached.expiresAt > Date.now()) return cached.key;
    const key = await this.repository.findActiveByHash(hash);
    this.lookups.delete(id);
    if (this.lookups.size >= MAX_CACHED_LOOKUPS) this.lookups.delete(this.lookups.keys().next().value as string);
    this.lookups.set(id, { key, expiresAt: Date.now() + ttl });
    return key;
  }

  private touch(name: string): void {
    const now = Date.now();
    if (now - (this.lastTouched.get(name) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(name, now);
    this.repository.touch(name).catch((error: Error) => this.logger.warn(`could not record the use of key ${name}: ${error.message}`));
  }
}
