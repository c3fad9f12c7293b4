import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RadarConfig } from './radar.config';
import { SecretStore } from './secret-store';

describe('SecretStore', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'radar-secret-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates 32 random bytes once into DATA_DIR/secret (0600) and reads them back', () => {
    const config = RadarConfig.fromEnv({ DATA_DIR: join(dir, 'data') });
    const first = new SecretStore(config).key;
    expect(Buffer.from(first.toString(), 'base64url')).toHaveLength(32);
    expect(statSync(join(dir, 'data', 'secret')).mode & 0o777).toBe(0o600);
    expect(new SecretStore(config).key.equals(first)).toBe(true);
  });

  it('uses RADAR_SECRET when set, and never writes a file', () => {
    const config = RadarConfig.fromEnv({ DATA_DIR: dir, RADAR_SECRET: 's'.repeat(40) });
    expect(new SecretStore(config).key.toString()).toBe('s'.repeat(40));
    expect(() => readFileSync(join(dir, 'secret'))).toThrow(/ENOENT/);
  });

  it('refuses an empty secret file rather than signing with nothing', () => {
    writeFileSync(join(dir, 'secret'), '\n');
    expect(() => new SecretStore(RadarConfig.fromEnv({ DATA_DIR: dir }))).toThrow(/empty/);
  });
});
