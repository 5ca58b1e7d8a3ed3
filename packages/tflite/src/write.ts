// IR model -> .tflite bytes. Buffers go inside the FlatBuffer (the form every TFLite runtime
// reads) unless they would push it past the 2 GiB FlatBuffers can address; then, as the TFLite
// converter does, they follow it and Buffer.offset/size point at them.
import type { Model } from '@enxuto/ir';
import { irToTflite } from './from-ir.js';
import { encodeModel } from './schema/encode.js';
import type { ModelT } from './schema/schema.generated.js';

/** Keep FlatBuffer content comfortably below 2 GiB (offsets are 32-bit signed in places). */
export const INLINE_BUFFER_LIMIT = 2 ** 31 - 2 ** 24;

export interface WriteOptions {
  /** Starting size of the FlatBuffer builder (it grows as needed). */
  initialSize?: number;
  /** 'auto' (default): inline unless the buffers exceed INLINE_BUFFER_LIMIT. */
  buffers?: 'auto' | 'inline' | 'appended';
}

const ALIGN = 16;
const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

function encodeAppended(m: ModelT, initialSize: number): Uint8Array {
  const buffers = m.buffers ?? [];
  const data = buffers.map((b) => b.data);
  // First pass with placeholders of the final width (u64 fields are written whenever non-zero)
  // to learn the FlatBuffer's size; the second pass writes the real offsets.
  buffers.forEach((b, i) => {
    const d = data[i];
    if (d === undefined || d.length === 0) return;
    delete b.data;
    b.offset = Number.MAX_SAFE_INTEGER;
    b.size = d.length;
  });
  const head = encodeModel(m, initialSize).length;
  let at = align(head);
  buffers.forEach((b, i) => {
    const d = data[i];
    if (d === undefined || d.length === 0) return;
    b.offset = at;
    at = align(at + d.length);
  });
  const fb = encodeModel(m, initialSize);
  if (fb.length !== head) throw new Error(`FlatBuffer size changed between passes (${head} -> ${fb.length})`);
  const out = new Uint8Array(at);
  out.set(fb);
  buffers.forEach((b, i) => {
    const d = data[i];
    if (d !== undefined && d.length > 0) out.set(d, b.offset);
  });
  return out;
}

/** Serializes an IR model whose nodes are TFLite ops (domains `tflite` / `tflite.custom`). */
export function writeTflite(model: Model, options: WriteOptions = {}): Uint8Array {
  const m = irToTflite(model);
  const initialSize = options.initialSize ?? 1 << 16;
  const total = (m.buffers ?? []).reduce((s, b) => s + (b.data?.length ?? 0), 0);
  const placement = options.buffers ?? 'auto';
  if (placement === 'appended' || (placement === 'auto' && total > INLINE_BUFFER_LIMIT))
    return encodeAppended(m, initialSize);
  return encodeModel(m, initialSize);
}
