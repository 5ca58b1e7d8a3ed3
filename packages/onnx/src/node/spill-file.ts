// A scratch file new tensors are appended to as they are made, so that quantizing a multi-GB
// model layer by layer keeps only the layer at hand in memory: each tensor comes back as a lazy
// view of its region, which writeOnnxFile copies into the output block by block.
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readRegion } from '@enxuto/io/node';
import { decodeBytes, LazyTensor, type DataType, type Tensor, type TypedArray } from '@enxuto/ir';

export class SpillFile {
  readonly path: string;
  private fd: number | undefined;
  private size = 0;

  /** A new scratch file in `dir` (removed by `dispose`). */
  constructor(dir: string) {
    this.path = join(dir, `.enxuto-spill.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    this.fd = openSync(this.path, 'wx', 0o600);
  }

  /** Appends the tensor's bytes and returns a lazy tensor reading them back. */
  spill(t: Tensor): Tensor {
    if (this.fd === undefined) throw new Error('spill file already disposed');
    const bytes = t.bytes();
    const offset = this.size;
    let done = 0;
    while (done < bytes.byteLength) done += writeSync(this.fd, bytes, done, bytes.byteLength - done, offset + done);
    this.size += bytes.byteLength;
    const path = this.path;
    const length = bytes.byteLength;
    return new RegionTensor(t.dtype, t.shape, () => readRegion(path, offset, length), { path, offset, length });
  }

  /** Bytes spilled so far. */
  get bytes(): number {
    return this.size;
  }

  dispose(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.path, { force: true });
  }
}

/** A lazy tensor that never keeps its bytes: every read goes to the file (memory stays flat). */
class RegionTensor extends LazyTensor {
  constructor(
    dtype: DataType,
    shape: readonly number[],
    private readonly read: () => Uint8Array,
    source: { path: string; offset: number; length: number },
  ) {
    super(dtype, shape, read, source);
  }
  override get isLazy(): boolean {
    return true;
  }
  override bytes(): Uint8Array {
    return this.read();
  }
  override values(): TypedArray {
    return decodeBytes(this.dtype, this.bytes(), this.size);
  }
}
