// onnxruntime's own MatMulNBits quantizer (ort_nbits.py: its round to nearest, GPTQ and HQQ) as the
// reference of the language-model figures, run from the Python venv of quant-models/reference.ts
// (ENXUTO_ORT_PYTHON; `pip install onnxruntime onnx onnx_ir numpy sympy`, and torch for GPTQ/HQQ).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Model } from '@enxuto/ir';
import { readOnnxFile } from '@enxuto/onnx/node';
import type { TokenWindows } from '@enxuto/pipeline';
import { npyInt64, ortPython } from '../quant-models/reference.js';

/**
 * The model onnxruntime's quantizer makes of the float model at `src` with `args` (ort_nbits.py's
 * flags); GPTQ calibrates on the first `windows` rows of `calib`. Throws with its last error line.
 */
export function ortNbits(src: string, args: readonly string[], calib: TokenWindows, windows: number): Model {
  const python = ortPython();
  if (!python) throw new Error('no Python venv with onnxruntime (see tools/bench/quant-models/reference.ts)');
  const dir = mkdtempSync(join(tmpdir(), 'enxuto-ort-nbits-'));
  try {
    const rows = Math.min(windows, calib.rows);
    const ids = join(dir, 'calibration.npy');
    writeFileSync(ids, npyInt64([rows, calib.length], calib.ids.subarray(0, rows * calib.length)));
    const out = join(dir, 'out.onnx');
    try {
      execFileSync(python, [join(import.meta.dirname, 'ort_nbits.py'), src, out, ...args, '--calib', ids], {
        stdio: 'pipe',
        maxBuffer: 64 << 20,
      });
    } catch (e) {
      const line = String((e as { stderr?: Buffer }).stderr ?? e)
        .trim()
        .split('\n')
        .pop();
      throw new Error(`onnxruntime's quantizer failed: ${line?.slice(0, 200)}`);
    }
    // Read into memory (no lazy tensors left pointing into the folder removed below).
    const m = readOnnxFile(out);
    for (const v of m.graph.initializers()) v.const!.bytes();
    return m;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
