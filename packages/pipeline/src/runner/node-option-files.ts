// Node's host for the files pass options name: each path resolved against the pipeline's folder and
// confined to it and its roots (the rules of @enxuto/io, as for datasets), checked as a regular file,
// added to the run's protected set before any output is planned, and read back only if it is still
// the file that was hashed into the step key.
import type { Limits } from '@enxuto/io';
import { type CheckedFile, checkFile, confine, type ProtectedFiles, readWhole } from '@enxuto/io/node';
import { IoError } from '@enxuto/ir';
import type { ResolvedPass } from '../config/validate.js';
import { sha256 } from './cache.js';
import type { ContentHasher } from './content-hash.js';
import { type DeclaredFile, declaredFiles } from '../config/paths.js';
import type { OptionFileHost } from './option-files.js';

export interface PipelineFilesOptions {
  baseDir: string;
  /** Folders files may be read from (the pipeline's folder and its roots). */
  roots: readonly string[];
  protect: ProtectedFiles;
  limits: Limits;
  /** The pipeline file, for messages. */
  file: string | undefined;
}

export class PipelineFiles implements OptionFileHost {
  private readonly checked = new Map<string, CheckedFile>();
  private readonly hashes = new Map<string, string>();

  /** Checks every file the passes' options name; throws a typed error naming the field. */
  constructor(
    passes: readonly ResolvedPass[],
    private readonly opts: PipelineFilesOptions,
    private readonly hasher: ContentHasher,
  ) {
    for (const p of passes) {
      for (const f of declaredFiles(p)) {
        const where = { field: f.field, ...(opts.file ? { file: opts.file } : {}) };
        const real = confine(f.path, opts.baseDir, opts.roots, {
          ...where,
          rootsName: "the pipeline's folder and its roots",
        });
        const checked = checkFile(real, { file: f.path, field: f.field });
        opts.protect.add(checked);
        this.checked.set(f.field, checked);
      }
    }
  }

  hash(f: DeclaredFile): string {
    const known = this.hashes.get(f.field);
    if (known) return known;
    const sha = this.hasher.file(this.fileOf(f).path);
    this.hashes.set(f.field, sha);
    return sha;
  }

  async read(f: DeclaredFile): Promise<Uint8Array> {
    const checked = this.fileOf(f);
    const where = { file: f.path, field: f.field };
    const bytes = readWhole(checked, { maxBytes: this.opts.limits.maxFileBytes, option: 'limits.maxFileBytes' }, where);
    if (sha256(bytes) !== this.hash(f)) {
      throw new IoError(`${f.path} changed while the pipeline ran; run it again`, { code: 'io/changed', ...where });
    }
    return bytes;
  }

  private fileOf(f: DeclaredFile): CheckedFile {
    const checked = this.checked.get(f.field);
    if (!checked) throw new Error(`internal: ${f.field} was not planned`);
    return checked;
  }
}
