import { PassThrough } from 'node:stream';
import { createSearchIndex } from '@radar/search';
import { createTestEnv, TestEnv } from '@radar/testing';
import { ApiKeyService } from '../../api/src/auth/api-keys.service';
import { createKeyCommand, listKeysCommand, revokeKeyCommand } from './keys.commands';

const collect = () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
};

describe('radar keys', () => {
  let env: TestEnv;

  beforeEach(() => {
    env = createTestEnv();
  });

  afterEach(async () => {
    await env.cleanup();
  });

  it('creates a key shown once, lists it without the key, revokes it so it authenticates nothing', async () => {
    const out = collect();
    const info = collect();
    expect(await createKeyCommand(env.config, { role: 'policy', name: 'Policy desk' }, out.stream, info.stream)).toBe(
      0,
    );
    const key = out.text().trim();
    expect(key).toMatch(/^rk_[A-Za-z0-9_-]{43}$/);
    expect(info.text()).toMatch(/^Created policy key [a-f0-9]{12} \("Policy desk"\)\. It is shown once/);

    const index = await createSearchIndex(env.config);
    try {
      const service = new ApiKeyService(index, env.config);
      const record = await service.authenticate(key);
      expect(record).toMatchObject({ role: 'policy', name: 'Policy desk' });

      const listed = collect();
      await listKeysCommand(env.config, listed.stream);
      expect(listed.text()).toContain(`${record!.id}\tpolicy\t`);
      expect(listed.text()).toContain('\tactive\tPolicy desk');
      expect(listed.text()).not.toContain(key);

      const revoked = collect();
      expect(await revokeKeyCommand(env.config, record!.id, revoked.stream)).toBe(0);
      expect(revoked.text()).toMatch(new RegExp(`^revoked ${record!.id} \\(policy, "Policy desk"\\) at `));
      // A fresh service (another API instance, no cache) refuses it at once.
      expect(await new ApiKeyService(index, env.config).authenticate(key)).toBeNull();
    } finally {
      await index.close();
    }
  });

  it('refuses an unknown role and an unknown key id with a clear message', async () => {
    await expect(createKeyCommand(env.config, { role: 'root' }, collect().stream, collect().stream)).rejects.toThrow(
      '--role must be one of admin, analyst, policy',
    );
    await expect(revokeKeyCommand(env.config, 'ffffffffffff', collect().stream)).rejects.toThrow(
      'no API key with id ffffffffffff',
    );
  });
});
