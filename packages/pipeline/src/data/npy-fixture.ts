// .npy files for tests, written as numpy writes them.

export type NpyTyped = Float32Array | Float64Array | Uint8Array | Int32Array | BigInt64Array;

/** A .npy file as numpy writes it: magic, version, header length, dict padded to 64 bytes. */
export function npyBytes(descr: string, shape: number[], data: NpyTyped, version = 1, header?: string): Uint8Array {
  const dict =
    header ??
    `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const lengthBytes = version === 1 ? 2 : 4;
  const pre = 8 + lengthBytes;
  const padded = `${dict + ' '.repeat((64 - ((pre + dict.length + 1) % 64)) % 64)}\n`;
  const out = new Uint8Array(pre + padded.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, padded.length, true);
  else view.setUint32(8, padded.length, true);
  out.set(new TextEncoder().encode(padded), pre);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), pre + padded.length);
  return out;
}
