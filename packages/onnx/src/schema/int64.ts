// Exact conversions between protobufjs 64-bit values (Long or {low, high}) and bigint.
import type { Int64, Int64Bits } from './messages.js';

const TWO_32 = 0x1_0000_0000n;

export function int64ToBigInt(v: Int64 | undefined, unsigned = false): bigint {
  if (v === undefined) return 0n;
  if (typeof v === 'number') return BigInt(v);
  const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return unsigned ? bits : BigInt.asIntN(64, bits);
}

export function bigIntToInt64(b: bigint): Int64Bits {
  const bits = BigInt.asUintN(64, b);
  return { low: Number(bits % TWO_32) | 0, high: Number(bits / TWO_32) | 0, unsigned: false };
}

/** The value as a JS number, or undefined when it is not exactly representable (|v| > 2^53). */
export function int64ToSafeNumber(v: Int64 | undefined, unsigned = false): number | undefined {
  const b = int64ToBigInt(v, unsigned);
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : undefined;
}
