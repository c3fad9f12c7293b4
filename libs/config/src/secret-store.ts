import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { RadarConfig } from './radar.config';

/** Where the generated secret is kept when RADAR_SECRET is unset. */
export function secretFile(config: RadarConfig): string {
  return join(config.dataDir, 'secret');
}

/**
 * The key that signs subscriber links: RADAR_SECRET when set, otherwise 32 random bytes generated
 * once and kept in DATA_DIR/secret (mode 0600), so links stay valid across restarts and every
 * process sharing DATA_DIR signs alike. Resolved once, at construction (boot).
 */
@Injectable()
export class SecretStore {
  readonly key: Buffer;

  constructor(config: RadarConfig) {
    this.key = config.radarSecret ? Buffer.from(config.radarSecret, 'utf8') : loadOrCreate(secretFile(config));
  }
}

function loadOrCreate(file: string): Buffer {
  const existing = read(file);
  if (existing) return existing;
  mkdirSync(join(file, '..'), { recursive: true });
  try {
    // 'wx': when two processes boot at once, one creates it and the other reads it.
    writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const created = read(file);
  if (!created) throw new Error(`${file} is empty: delete it or set RADAR_SECRET`);
  return created;
}

function read(file: string): Buffer | null {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text ? Buffer.from(text, 'utf8') : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
