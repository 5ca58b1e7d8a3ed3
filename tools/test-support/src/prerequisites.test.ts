import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './index.js';
import { CHROMIUM, find, howToGet, isDebianLike, type Prerequisite, REDIS_SERVER } from './prerequisites.js';

function fakeProgram(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, '#!/bin/sh\n');
  chmodSync(p, 0o755);
  return p;
}

const NOWHERE: Prerequisite = { ...CHROMIUM, extra: undefined, paths: [] };

describe('finding the programs tests drive', () => {
  it('an environment variable wins, in the declared order', () => {
    const t = tempDir();
    const a = fakeProgram(t.path, 'a');
    const b = fakeProgram(t.path, 'b');
    expect(find(NOWHERE, { PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: a, CHROME_PATH: b, PATH: '' })).toEqual({
      path: a,
      from: '$PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH',
    });
    expect(find(NOWHERE, { CHROME_PATH: b, PATH: '' }).path).toBe(b);
    t.cleanup();
  });

  it('a variable naming a missing file is a problem, not silently skipped', () => {
    const f = find(NOWHERE, { CHROME_PATH: '/no/such/chrome', PATH: '' });
    expect(f.path).toBeUndefined();
    expect(f).toMatchObject({ problem: expect.stringContaining('/no/such/chrome') });
  });

  it('looks each command name up on PATH, skipping files that are not executable', () => {
    const t = tempDir();
    writeFileSync(join(t.path, 'chromium'), 'not executable');
    const hit = fakeProgram(join(t.path, 'bin'), 'chromium-browser');
    expect(find(NOWHERE, { PATH: `${t.path}:${join(t.path, 'bin')}` })).toEqual({ path: hit, from: 'PATH' });
    t.cleanup();
  });

  it('nothing found: one line naming the package and the variables', () => {
    expect(find(NOWHERE, { PATH: '' })).toEqual({ problem: 'Chromium not found' });
    const line = howToGet(REDIS_SERVER);
    expect(line).toContain('apt-get install redis-server');
    expect(line).toContain('$REDIS_SERVER_PATH');
    expect(line).not.toContain('\n');
  });

  it('recognises Debian and Ubuntu by /etc/os-release', () => {
    const t = tempDir();
    const deb = join(t.path, 'deb');
    writeFileSync(deb, 'PRETTY_NAME="Debian GNU/Linux 12"\nID=debian\n');
    const alpine = join(t.path, 'alpine');
    writeFileSync(alpine, 'ID=alpine\n');
    const mint = join(t.path, 'mint');
    writeFileSync(mint, 'ID=linuxmint\nID_LIKE="ubuntu debian"\n');
    expect(isDebianLike(alpine)).toBe(false);
    expect(isDebianLike(join(t.path, 'missing'))).toBe(false);
    // apt-get must exist too; on this machine it does.
    expect(isDebianLike(deb)).toBe(isDebianLike(mint));
    t.cleanup();
  });
});
