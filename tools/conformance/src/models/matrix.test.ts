// The small subset of the real-model matrix that runs in `npm test` (the whole matrix is
// `npm run conformance:models`): mnist-8 through all seven cells, and the report's totals.
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { CELLS, runModel, type CellResult } from './cells.js';
import { renderMatrix } from './report.js';

describe('real-model matrix', () => {
  it('onnx-mnist-8: every cell runs in its runtime and passes', async () => {
    const source = {
      name: 'onnx-mnist-8',
      path: sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'),
      format: 'onnx' as const,
    };
    const cells = await runModel(source, () => {});
    expect(Object.keys(cells)).toEqual([...CELLS]);
    for (const c of CELLS) expect(cells[c].status, `${c}: ${cells[c].detail ?? ''}`).toBe('pass');
    expect(cells.onnx.metric).toBeLessThanOrEqual(1e-4);
    expect(cells['tflite-int8'].detail).toMatch(/[1-9]\d* integer kernels/);
    const md = renderMatrix([{ source, cells }], { seconds: 1, date: '2026-01-01', subset: true });
    expect(md).toContain('**5 of 5**');
    expect(md).toContain('| onnx-mnist-8 | onnx | ok |');
  }, 120_000);

  it('silero_vad_v5 -> ONNX and quantize-static keep its dynamic dims: pinned, onnxruntime rejected the If branch not taken', async () => {
    const source = {
      name: 'silero_vad_v5',
      path: sharedPath('models', 'zoo', 'silero_vad_v5', 'silero_vad_v5.onnx'),
      format: 'onnx' as const,
    };
    const cells = await runModel(source, () => {});
    expect(cells.onnx.status, cells.onnx.detail).toBe('pass');
    expect(cells.onnx.metric).toBeLessThanOrEqual(1e-4);
    // quantize-static sees the model as read too: onnxruntime loads it (whatever the quantizer makes of it).
    expect(cells.quantize.status).not.toBe('error');
    expect(cells.quantize.detail ?? '').not.toMatch(/could not load/);
  }, 120_000);

  it('a red cell is listed with its reason', () => {
    const fail: CellResult = { status: 'refused', detail: 'Erf has no TFLite op', seconds: 0 };
    const ok: CellResult = { status: 'pass', seconds: 0 };
    const source = { name: 'm', path: 'm.onnx', format: 'onnx' as const };
    const cells = Object.fromEntries(CELLS.map((c) => [c, c === 'tflite' ? fail : ok]));
    const md = renderMatrix([{ source, cells }], { seconds: 1, date: '2026-01-01', subset: true });
    expect(md).toContain('**4 of 5**');
    expect(md).toContain('- m -> TFLite: refused — Erf has no TFLite op');
  });

  it('a non-finite metric (null in the child process JSON) is shown as n/a, not a crash', () => {
    const source = { name: 'm', path: 'm.onnx', format: 'onnx' as const };
    const bad = { status: 'fail', metric: null, seconds: 0 } as unknown as CellResult;
    const cells = Object.fromEntries(CELLS.map((c) => [c, bad]));
    const md = renderMatrix([{ source, cells }], { seconds: 1, date: '2026-01-01', subset: true });
    expect(md).toContain('| m | onnx | **fail** n/a |');
  });
});
