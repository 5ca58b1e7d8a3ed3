// onnxruntime's own quantize_static as the reference, run from a Python venv when one is set up:
// ENXUTO_ORT_PYTHON (default tools/bench/.venv-ort/bin/python) with `pip install onnxruntime numpy onnx sympy`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;

export function ortPython(): string | undefined {
  const p = process.env.ENXUTO_ORT_PYTHON ?? join(here, '..', '.venv-ort', 'bin', 'python');
  return existsSync(p) ? p : undefined;
}

/** .npy bytes of `body` (little-endian `descr`, e.g. '<f4', '<i8') with `shape`. */
function npy(descr: string, shape: readonly number[], body: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64) header += ' ';
  header += '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}

/** Little-endian float32 .npy bytes. */
export function npyFloat32(shape: readonly number[], data: Float32Array): Uint8Array {
  return npy('<f4', shape, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** Little-endian int64 .npy bytes (token ids). */
export function npyInt64(shape: readonly number[], ids: ArrayLike<number>): Uint8Array {
  const data = BigInt64Array.from(Array.from(ids, (v) => BigInt(v)));
  return npy('<i8', shape, new Uint8Array(data.buffer));
}

/**
 * onnxruntime's quantize_static (after its quant_pre_process; QDQ, per-channel int8 weights, uint8
 * activations, MinMax) on `floatOnnx` with `calibration` samples of `input`; undefined with the reason
 * when it cannot run.
 */
export function ortQuantizeStatic(
  dir: string,
  floatOnnx: Uint8Array,
  input: string,
  calibration: { shape: number[]; data: Float32Array },
  flags: string[] = [],
): { bytes?: Uint8Array; note?: string } {
  const python = ortPython();
  if (!python) return { note: 'no Python venv with onnxruntime (see reference.ts)' };
  const src = join(dir, 'float.onnx');
  const calib = join(dir, 'calibration.npy');
  const out = join(dir, 'ort-int8.onnx');
  writeFileSync(src, floatOnnx);
  writeFileSync(calib, npyFloat32(calibration.shape, calibration.data));
  try {
    execFileSync(python, [join(here, 'ort_quantize.py'), src, calib, input, out, ...flags], { stdio: 'pipe' });
    return { bytes: new Uint8Array(readFileSync(out)) };
  } catch (e) {
    const msg = String((e as { stderr?: Buffer }).stderr ?? e)
      .trim()
      .split('\n')
      .pop();
    return { note: `onnxruntime's quantizer failed: ${msg?.slice(0, 160)}` };
  }
}
