// A private scratch file that bytes are appended to and read back by region, so work on a model
// far larger than memory (quantizing a multi-GB model layer by layer) keeps only the piece at
// hand. Created 0600 with O_EXCL under a random name; removed by dispose().
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { checkFile, readRegion } from './checked-file.js';
import { fsError } from './fs-errors.js';

export class ScratchFile {
  readonly path: string;
  private fd: number | undefined;
  private size = 0;

  /** A new scratch file in `dir`. */
  constructor(dir: string) {
    this.path = join(dir, `.enxuto-spill.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      this.fd = openSync(this.path, 'wx', 0o600);
    } catch (e) {
      throw fsError(e, { file: this.path, action: `create ${this.path}` });
    }
  }

  /** Appends `bytes`; returns where they lie. */
  append(bytes: Uint8Array): { offset: number; length: number } {
    if (this.fd === undefined) throw new Error('scratch file already disposed');
    const offset = this.size;
    let done = 0;
    try {
      while (done < bytes.byteLength) done += writeSync(this.fd, bytes, done, bytes.byteLength - done, offset + done);
    } catch (e) {
      throw fsError(e, { file: this.path, action: `write ${this.path}` });
    }
    this.size += bytes.byteLength;
    return { offset, length: bytes.byteLength };
  }

  /** The bytes of a region appended earlier (read from the file each time: memory stays flat). */
  read(offset: number, length: number): Uint8Array {
    return readRegion(checkFile(this.path), offset, length, { file: this.path });
  }

  /** Bytes appended so far. */
  get bytes(): number {
    return this.size;
  }

  dispose(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.path, { force: true });
  }
}
