// Identical constants become one TFLite tensor: an unrolled LSTM (or any graph reading a weight
// more than once) would otherwise get a fresh buffer for every use, because op handlers build
// their weights (permuted, reshaped, quantized) per node. Keyed by a hash of dtype, shape,
// quantization and bytes; a hit is confirmed byte by byte, so a collision only costs a compare.
import type { QuantParams, Tensor, Value } from '@enxuto/ir';

/** FNV-1a over the bytes, 32 bits at a time where aligned (speed on large weights). */
export function hashBytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  const words =
    bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2) : undefined;
  let i = 0;
  if (words !== undefined) {
    for (let w = 0; w < words.length; w++) h = Math.imul(h ^ words[w]!, 0x01000193);
    i = words.length * 4;
  }
  for (; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

function quantKey(q: QuantParams | undefined): string {
  if (q === undefined) return '-';
  return `${q.dtype}:${q.axis ?? ''}:${Array.from(q.scale).join(',')}:${Array.from(q.zeroPoint).join(',')}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Initializers already added, by content. */
export class ConstPool {
  private readonly byKey = new Map<string, { bytes: Uint8Array; value: Value }[]>();

  private key(t: Tensor, quant: QuantParams | undefined, bytes: Uint8Array): string {
    return `${t.dtype}|${t.shape.join('x')}|${quantKey(quant)}|${bytes.length}|${hashBytes(bytes)}`;
  }

  /** The initializer already holding the same constant, if any (string tensors are not pooled). */
  find(t: Tensor, quant: QuantParams | undefined): Value | undefined {
    if (t.dtype === 'string') return undefined;
    const bytes = t.bytes();
    return this.byKey.get(this.key(t, quant, bytes))?.find((e) => sameBytes(e.bytes, bytes))?.value;
  }

  add(t: Tensor, quant: QuantParams | undefined, value: Value): void {
    if (t.dtype === 'string') return;
    const bytes = t.bytes();
    const k = this.key(t, quant, bytes);
    const list = this.byKey.get(k);
    if (list === undefined) this.byKey.set(k, [{ bytes, value }]);
    else list.push({ bytes, value });
  }
}
