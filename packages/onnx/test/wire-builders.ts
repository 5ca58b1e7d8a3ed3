// Hand-made protobuf wire bytes for tests: hostile shapes protobufjs' encoder would never produce.
import protobuf from 'protobufjs/light.js';
import { mulberry32 } from '@enxuto/ir';

export function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

export function tag(field: number, wireType: number): number[] {
  return varint(field * 8 + wireType);
}

/** A length-delimited field. */
export function ld(field: number, payload: ArrayLike<number>): number[] {
  return [...tag(field, 2), ...varint(payload.length), ...Array.from(payload)];
}

export function str(field: number, s: string): number[] {
  return ld(field, new TextEncoder().encode(s));
}

export function bytes(...parts: number[][]): Uint8Array {
  return Uint8Array.from(parts.flat());
}

/**
 * `depth` nested messages, each opened by the field path in `cycle` (repeated), built with
 * protobufjs' writer fork/ldelim so no recursion or quadratic copying is involved.
 */
export function nested(prefix: number[], cycle: number[], depth: number): Uint8Array {
  const w = protobuf.Writer.create();
  let opened = 0;
  for (let d = 0; d < depth; d++) {
    for (const field of cycle) {
      w.uint32(field * 8 + 2).fork();
      opened++;
    }
  }
  for (let i = 0; i < opened; i++) w.ldelim();
  const body = w.finish();
  return Uint8Array.from([...prefix, ...body]);
}

/** `depth` unknown groups nested inside each other under field number `field`. */
export function nestedGroups(prefix: number[], field: number, depth: number): Uint8Array {
  const open = tag(field, 3);
  const close = tag(field, 4);
  const out = new Uint8Array(prefix.length + depth * (open.length + close.length));
  out.set(prefix, 0);
  let p = prefix.length;
  for (let i = 0; i < depth; i++) for (const b of open) out[p++] = b;
  for (let i = 0; i < depth; i++) for (const b of close) out[p++] = b;
  return out;
}

export const rng = mulberry32;
