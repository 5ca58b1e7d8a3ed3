// Encoded output as a list of chunks, so tensor bytes are written from where they already are
// (file views, lazily loaded regions) instead of being copied into one big buffer.

/** Bytes produced only when the output is written (a lazy tensor's file region). */
export class DeferredBytes {
  constructor(
    readonly byteLength: number,
    readonly load: () => Uint8Array,
    /** A file region holding exactly these bytes, so file writers can copy without loading. */
    readonly source?: { path: string; offset: number; length: number },
  ) {}
}

export type Chunk = Uint8Array | DeferredBytes;

export class Parts {
  readonly chunks: Chunk[] = [];
  length = 0;

  push(c: Chunk): void {
    if (c.byteLength === 0) return;
    this.chunks.push(c);
    this.length += c.byteLength;
  }

  append(p: Parts): void {
    for (const c of p.chunks) this.chunks.push(c);
    this.length += p.length;
  }
}

const SMALL = 64 * 1024;
const MERGED = 1024 * 1024;

/** Merges runs of small chunks (copying only those) so writers make few, large writes. */
export function coalesce(chunks: readonly Chunk[]): Chunk[] {
  const out: Chunk[] = [];
  let run: Uint8Array[] = [];
  let runLength = 0;
  const flush = () => {
    if (run.length === 1) out.push(run[0]!);
    else if (run.length > 1) {
      const merged = new Uint8Array(runLength);
      let o = 0;
      for (const c of run) {
        merged.set(c, o);
        o += c.byteLength;
      }
      out.push(merged);
    }
    run = [];
    runLength = 0;
  };
  for (const c of chunks) {
    if (c instanceof Uint8Array && c.byteLength < SMALL) {
      if (runLength + c.byteLength > MERGED) flush();
      run.push(c);
      runLength += c.byteLength;
    } else {
      flush();
      out.push(c);
    }
  }
  flush();
  return out;
}

/** Loads deferred chunks: the in-memory form of the output. */
export function materialize(chunks: readonly Chunk[]): Uint8Array[] {
  return chunks.map((c) => {
    if (c instanceof Uint8Array) return c;
    const b = c.load();
    if (b.byteLength !== c.byteLength)
      throw new RangeError(`deferred chunk loaded ${b.byteLength} bytes, expected ${c.byteLength}`);
    return b;
  });
}
