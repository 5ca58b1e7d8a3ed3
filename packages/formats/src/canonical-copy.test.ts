import { opHistogram } from '@enxuto/ir';
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { canonicalCopy } from './canonical-copy.js';
import { readModel } from './model-io.js';

describe('canonicalCopy', () => {
  it("folds the TF.js converter's flatten shape arithmetic and leaves the caller's model as it was", async () => {
    const { model } = await readModel(sharedPath('models', 'tfjs-mnist-graph'));
    const before = opHistogram(model);
    expect(before['Shape']).toBe(1);
    const copy = canonicalCopy(model, { pinInputDims: 1 });
    const after = opHistogram(copy);
    for (const op of ['Shape', 'Cast', 'Slice', 'Squeeze', 'Unsqueeze', 'Concat'])
      expect(after[op], op).toBeUndefined();
    expect(after['Reshape']).toBe(1);
    expect(copy.graph.inputs[0]!.shape).toEqual([1, 28, 28, 1]);
    // The source keeps its symbolic batch and every node.
    expect(opHistogram(model)).toEqual(before);
    expect(model.graph.inputs[0]!.shape).toEqual([null, 28, 28, 1]);
  });

  it('unrolls the shared LSTM (28 steps) only when asked', async () => {
    const { model } = await readModel(sharedPath('models', 'tflite-mnist-lstm', 'trained_lstm.tflite'));
    expect(opHistogram(canonicalCopy(model))['LSTM']).toBe(1);
    const unrolled = opHistogram(canonicalCopy(model, { unrollLstm: true }));
    expect(unrolled['LSTM']).toBeUndefined();
    // One Tanh for the candidate and one for the output at every step.
    expect(unrolled['Tanh']).toBe(2 * 28);
  });
});
