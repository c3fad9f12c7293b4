import type { Writable } from 'node:stream';
import { RadarConfig } from '@radar/config';
import { API_ROLES, isApiRole } from '@radar/core';
import { createSearchIndex } from '@radar/search';
import { ApiKeyService } from '../../api/src/auth/api-keys.service';

async function withKeys<T>(config: RadarConfig, fn: (keys: ApiKeyService) => Promise<T>): Promise<T> {
  const index = await createSearchIndex(config);
  try {
    return await fn(new ApiKeyService(index, config));
  } finally {
    await index.close();
  }
}

/** `radar keys create --role R [--name N]`: prints the new key once (stdout: the key alone; stderr: what it is). */
export async function createKeyCommand(
  config: RadarConfig,
  input: { role: string; name?: string },
  output: Writable,
  info: Writable,
): Promise<number> {
  if (!isApiRole(input.role)) throw new Error(`--role must be one of ${API_ROLES.join(', ')}`);
  const role = input.role;
  return withKeys(config, async (keys) => {
    const { key, record } = await keys.create(role, input.name?.trim() || `${role} key`);
    info.write(`Created ${record.role} key ${record.id} ("${record.name}"). It is shown once; store it now:\n`);
    output.write(`${key}\n`);
    return 0;
  });
}

/** `radar keys list`: one line per key (id, role, created, revoked, name); never the keys. */
export async function listKeysCommand(config: RadarConfig, output: Writable): Promise<number> {
  return withKeys(config, async (keys) => {
    for (const k of await keys.list()) {
      output.write(
        `${k.id}\t${k.role}\t${k.createdAt}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\t${k.name}\n`,
      );
    }
    return 0;
  });
}

/** `radar keys revoke ID`: the key and its feed links stop working (API instances within 10 s). */
export async function revokeKeyCommand(config: RadarConfig, id: string, output: Writable): Promise<number> {
  return withKeys(config, async (keys) => {
    const revoked = await keys.revoke(id);
    if (!revoked) throw new Error(`no API key with id ${id}`);
    output.write(`revoked ${revoked.id} (${revoked.role}, "${revoked.name}") at ${revoked.revokedAt}\n`);
    return 0;
  });
}
