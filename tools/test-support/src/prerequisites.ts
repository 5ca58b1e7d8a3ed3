// Programs the tests drive that npm cannot install: a Chromium for the browser tests and a
// redis-server for the queue tests. Found in a fixed order, never from one hard-coded path; the
// root `npm test` installs them first (see ensure-prerequisites.ts) when it may.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

export interface Prerequisite {
  /** What the tests call it, e.g. 'Chromium'. */
  name: string;
  /** Environment variables that name the executable, in the order they are read. */
  env: readonly string[];
  /** Program names looked up on PATH. */
  commands: readonly string[];
  /** Absolute paths tried after PATH. */
  paths: readonly string[];
  /** The Debian/Ubuntu package that provides it. */
  debianPackage: string;
  /** Extra places only this program has (e.g. Playwright's own browser download). */
  extra?: () => string | undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, command);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

/** Playwright's own Chromium, when `npx playwright install chromium` has put it in its cache. */
function playwrightChromium(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const { chromium } = require('playwright-core') as { chromium: { executablePath(): string } };
    const p = chromium.executablePath();
    return p && isExecutable(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

export const CHROMIUM: Prerequisite = {
  name: 'Chromium',
  env: ['PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH', 'CHROME_PATH'],
  extra: playwrightChromium,
  commands: ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'],
  paths: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/usr/bin/google-chrome'],
  debianPackage: 'chromium',
};

export const REDIS_SERVER: Prerequisite = {
  name: 'redis-server',
  env: ['REDIS_SERVER_PATH'],
  commands: ['redis-server'],
  paths: ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/usr/sbin/redis-server'],
  debianPackage: 'redis-server',
};

export type Found = { path: string; from: string } | { path?: undefined; problem: string };

/** Finds the executable; an environment variable that names a missing file is a problem, not skipped. */
export function find(p: Prerequisite, env: NodeJS.ProcessEnv = process.env): Found {
  for (const name of p.env) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    if (isExecutable(v)) return { path: v, from: `$${name}` };
    return { problem: `$${name} is set to ${v}, which is not an executable file` };
  }
  const extra = p.extra?.();
  if (extra !== undefined) return { path: extra, from: 'its own download' };
  for (const c of p.commands) {
    const hit = onPath(c, env.PATH);
    if (hit !== undefined) return { path: hit, from: 'PATH' };
  }
  for (const path of p.paths) if (isExecutable(path)) return { path, from: 'a standard location' };
  return { problem: `${p.name} not found` };
}

/** Whether this is Debian or Ubuntu (or a derivative), where apt-get can install the package. */
export function isDebianLike(osRelease = '/etc/os-release'): boolean {
  if (!existsSync(osRelease) || !existsSync('/usr/bin/apt-get')) return false;
  const text = readFileSync(osRelease, 'utf8');
  return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(text);
}

/** The one line telling a user how to provide the program. */
export function howToGet(p: Prerequisite): string {
  return (
    `${p.name} is needed by the tests and was not found: install it (sudo apt-get install ${p.debianPackage}, ` +
    `or your system's package) or set ${p.env.map((e) => `$${e}`).join(' / ')} to its path`
  );
}

/** The executable's path, or an Error whose message is the one line saying how to get it. */
export function requireExecutable(p: Prerequisite): string {
  const f = find(p);
  if (f.path !== undefined) return f.path;
  throw new Error(`${f.problem}. ${howToGet(p)}`);
}
