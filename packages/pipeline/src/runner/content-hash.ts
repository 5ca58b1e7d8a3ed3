// Content identity for cache keys: sha256 of the bytes of files and folders. A file's hash is
// remembered with its (size, mtime, ctime, inode); any write changes ctime, which, unlike mtime,
// no tool can set back, so an edited file is read again and an unchanged one is not. A file
// written in the last seconds is not remembered: a second write within the file system's
// timestamp granularity could leave the stamp unchanged (git's "racy clean" case).
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  type Stats,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { atomicWrite } from '@enxuto/io/node';

/** Files changed more recently than this are hashed again on every use. */
const RACY_MS = 3000;

interface Remembered {
  stamp: string;
  sha: string;
}

export interface TreeOptions {
  /** Keep a file (by its path relative to the folder); default: every file. */
  include?: (relativePath: string) => boolean;
}

function stampOf(st: Stats): string {
  return `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
}

export class ContentHasher {
  private readonly known = new Map<string, Remembered>();
  private dirty = false;

  /**
   * `store`: a JSON file the remembered hashes are kept in between runs (optional). `now`: the
   * clock that decides whether a file is old enough to be remembered (tests move it).
   */
  constructor(
    private readonly store?: string,
    private readonly now: () => number = Date.now,
  ) {
    if (store && existsSync(store)) {
      try {
        const saved = JSON.parse(readFileSync(store, 'utf8')) as Record<string, Remembered>;
        for (const [path, r] of Object.entries(saved))
          if (typeof r?.stamp === 'string' && typeof r.sha === 'string') this.known.set(path, r);
      } catch {
        // A damaged store only costs re-hashing.
      }
    }
  }

  /** sha256 of a file's bytes. */
  file(path: string): string {
    const st = statSync(path);
    const stamp = stampOf(st);
    const hit = this.known.get(path);
    if (hit?.stamp === stamp) return hit.sha;
    const sha = sha256OfFile(path);
    if (this.now() - Math.max(st.mtimeMs, st.ctimeMs) > RACY_MS) this.known.set(path, { stamp, sha });
    else this.known.delete(path);
    this.dirty = true;
    return sha;
  }

  /**
   * One hash over a folder's files (relative paths and contents, in sorted order), skipping
   * node_modules and dot-entries; a plain file hashes as itself.
   */
  tree(path: string, options: TreeOptions = {}): string {
    if (!statSync(path).isDirectory()) return this.file(path);
    const h = createHash('sha256');
    for (const file of listFiles(path)) {
      const rel = relative(path, file).split('\\').join('/');
      if (options.include && !options.include(rel)) continue;
      h.update(`${rel}\0${this.file(file)}\n`);
    }
    return h.digest('hex');
  }

  /** Writes the remembered hashes back to the store. */
  save(): void {
    if (!this.store || !this.dirty) return;
    mkdirSync(dirname(this.store), { recursive: true });
    atomicWrite(this.store, new TextEncoder().encode(JSON.stringify(Object.fromEntries(this.known))));
    this.dirty = false;
  }
}

/** sha256 of a file read in 1 MiB pieces, so a big data file is never held whole. */
function sha256OfFile(path: string): string {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
