import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { ApiKey, ApiRole } from '@radar/core';
import { SearchIndex } from '@radar/search';

/** Keys look like `rk_` + 43 base64url characters (256 random bits). */
const KEY_PATTERN = /^rk_[A-Za-z0-9_-]{43}$/;
/** How long an authenticated key is trusted without a lookup (revocation takes effect within this). */
const CACHE_MS = 10_000;
const CACHE_MAX = 1000;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The file an API instance writes its first admin key to when there is no key at all. */
export function firstAdminKeyFile(config: RadarConfig): string {
  return join(config.dataDir, 'admin-key');
}

/**
 * Creates, authenticates and revokes API keys. A key is shown once, at creation; the index keeps
 * its SHA-256 only. Lookups are cached briefly per process, so revocation reaches every API
 * instance within CACHE_MS.
 */
@Injectable()
export class ApiKeyService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApiKeyService.name);
  private readonly cache = new Map<string, { key: ApiKey | null; until: number }>();

  constructor(
    private readonly index: SearchIndex,
    private readonly config: RadarConfig,
  ) {}

  async create(role: ApiRole, name: string, now = new Date()): Promise<{ key: string; record: ApiKey }> {
    const key = `rk_${randomBytes(32).toString('base64url')}`;
    const record: ApiKey = {
      id: randomBytes(6).toString('hex'),
      name,
      role,
      hash: hashApiKey(key),
      createdAt: now.toISOString(),
    };
    await this.index.saveApiKey(record);
    return { key, record };
  }

  /** The live key record for a presented key; null for a malformed, unknown or revoked key. */
  async authenticate(presented: string, nowMs = Date.now()): Promise<ApiKey | null> {
    if (!KEY_PATTERN.test(presented)) return null;
    const hash = hashApiKey(presented);
    const cached = this.cache.get(hash);
    if (cached && cached.until > nowMs) return cached.key;
    const found = await this.index.findApiKeyByHash(hash);
    const key = found && !found.revokedAt ? found : null;
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(hash, { key, until: nowMs + CACHE_MS });
    return key;
  }

  /** A live key record by id (feed tokens name their issuing key). */
  async byId(id: string): Promise<ApiKey | null> {
    const found = await this.index.getApiKey(id);
    return found && !found.revokedAt ? found : null;
  }

  async list(): Promise<ApiKey[]> {
    return this.index.listApiKeys();
  }

  /** Revokes a key (idempotent); false when there is no such key. */
  async revoke(id: string, now = new Date()): Promise<ApiKey | null> {
    const found = await this.index.getApiKey(id);
    if (!found) return null;
    if (found.revokedAt) return found;
    const revoked = { ...found, revokedAt: now.toISOString() };
    await this.index.saveApiKey(revoked);
    this.cache.clear();
    return revoked;
  }

  /**
   * A fresh install has no key, and every non-public endpoint needs one: the first API instance
   * to start creates an admin key and writes it to DATA_DIR/admin-key (mode 0600), never to
   * the log. Read it, keep it somewhere safe and delete the file.
   */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.index.listApiKeys()).length > 0) return;
    const { key } = await this.create('admin', 'first admin key (created at first start)');
    const file = firstAdminKeyFile(this.config);
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    this.logger.warn(
      `No API keys yet: created an admin key and wrote it to ${file} (read it, keep it safe, delete the file; ` +
        '`radar keys create --role analyst|policy|admin` makes more)',
    );
  }
}
