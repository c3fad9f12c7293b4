import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPackageInfo } from './http-surface';

describe('readPackageInfo', () => {
  it("finds the project's package.json upwards", () => {
    const info = readPackageInfo();
    expect(info.name).toBe('policy-radar');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.description).toContain('policy');
  });

  it('falls back to 0.0.0 outside the project', () => {
    const dir = mkdtempSync(join(tmpdir(), 'radar-pkg-'));
    try {
      expect(readPackageInfo(dir)).toEqual({ name: 'policy-radar', version: '0.0.0', description: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
