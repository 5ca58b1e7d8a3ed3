// A scratch file new tensors are appended to as they are made, so that quantizing a multi-GB
// model layer by layer keeps only the layer at hand in memory: each tensor comes back as a lazy
// view of its region, which writeOnnxFile copies into the output block by block.
import { ScratchFile } from '@enxuto/io/node';
import { decodeBytes, LazyTensor, type DataType, type Tensor, type TypedArray } from '@enxuto/ir';

export class SpillFile {
  private readonly file: ScratchFile;

  /** A new scratch file in `dir` (removed by `dispose`). */
  constructor(dir: string) {
    this.file = new ScratchFile(dir);
  }

  get path(): string {
    return this.file.path;
  }

  /** Appends the tensor's bytes and returns a lazy tensor reading them back. */
  spill(t: Tensor): Tensor {
    const { offset, length } = this.file.append(t.bytes());
    const file = this.file;
    return new RegionTensor(t.dtype, t.shape, () => file.read(offset, length), { path: file.path, offset, length });
  }

  /** Bytes spilled so far. */
  get bytes(): number {
    return this.file.bytes;
  }

  dispose(): void {
    this.file.dispose();
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
