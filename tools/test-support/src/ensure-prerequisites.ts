// Run by the root `npm test` before any package's tests: finds each program the tests need and,
// when it is missing and this is Debian/Ubuntu as root, installs it with apt-get. Otherwise it says
// in one line what to do, and the test run stops there instead of failing test by test.
import { spawnSync } from 'node:child_process';
import { CHROMIUM, REDIS_SERVER, find, howToGet, isDebianLike, type Prerequisite } from './prerequisites.js';

const ALL: Record<string, Prerequisite> = { chromium: CHROMIUM, 'redis-server': REDIS_SERVER };

function aptInstall(pkgs: string[]): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]) =>
    spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0;
  return run(['update', '-qq']) && run(['install', '-y', '-qq', '--no-install-recommends', ...pkgs]);
}

export function ensurePrerequisites(names: string[]): boolean {
  const wanted = names.map((n) => {
    const p = ALL[n];
    if (p === undefined) throw new Error(`unknown prerequisite ${n} (known: ${Object.keys(ALL).join(', ')})`);
    return p;
  });
  let missing = wanted.filter((p) => find(p).path === undefined);
  const canInstall = process.getuid?.() === 0 && isDebianLike();
  if (missing.length > 0 && canInstall) {
    console.log(`test prerequisites: installing ${missing.map((p) => p.debianPackage).join(', ')} with apt-get`);
    aptInstall(missing.map((p) => p.debianPackage));
    missing = wanted.filter((p) => find(p).path === undefined);
  }
  for (const p of wanted) {
    const f = find(p);
    if (f.path !== undefined) console.log(`test prerequisites: ${p.name} at ${f.path} (${f.from})`);
    else console.error(`test prerequisites: ${f.problem}. ${howToGet(p)}`);
  }
  return missing.length === 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = ensurePrerequisites(process.argv.slice(2)) ? 0 : 1;
}
