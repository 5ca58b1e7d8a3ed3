// Test support: mnist-8 as a QDQ int8 model in the form quantize-static writes (that package
// depends on this one, so the tests build it here): the first conv stays float (fewer than 4 input
// channels), uint8 activations with the Relu folded into the output zero point, int8 weights per
// output channel behind DequantizeLinear (Gemm weights [N, K], transB = 1), int32 biases with
// scale s_x * s_w, Q/DQ around MaxPool and Reshape with the same scale. Activation ranges are
// min/max over calibration digits, measured with onnxruntime.
import { attr, Model, tensorFromValues, tensorType, type Graph, type Tensor, type Value } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import * as ort from 'onnxruntime-node';

function scalar(g: Graph, name: string, t: Tensor): Value {
  return g.addInitializer(g.uniqueName(name), t);
}

/** [min, max] of each named value over the calibration images (pixels 0..255, as mnist-8 expects). */
async function activationRanges(float: Model, names: string[], images: Float32Array[]): Promise<[number, number][]> {
  const probe = new Model(float.graph);
  for (const [k, v] of float.opsetImports) probe.opsetImports.set(k, v);
  const saved = [...float.graph.outputs];
  float.graph.setOutputs([...saved, ...names.map((n) => float.graph.value(n)!)]);
  const session = await ort.InferenceSession.create(writeOnnxBytes(probe));
  float.graph.setOutputs(saved);
  const ranges = names.map((): [number, number] => [0, 0]);
  for (const x of images) {
    const out = await session.run({ [float.graph.inputs[0]!.name]: new ort.Tensor('float32', x, [1, 1, 28, 28]) });
    names.forEach((n, i) => {
      const r = ranges[i]!;
      for (const v of out[n]!.data as Float32Array) {
        if (v < r[0]) r[0] = v;
        if (v > r[1]) r[1] = v;
      }
    });
  }
  return ranges;
}

/**
 * `quantizedOutput`: also a Q/DQ pair on the logits (so the last layer runs int8 too); without
 * it the Gemm outputs float, as quantize-static leaves a Gemm that feeds the graph output.
 */
export async function buildMnistQdq(
  float: Model,
  calibration: Float32Array[],
  opts: { quantizedOutput?: boolean } = {},
): Promise<Model> {
  const w = (name: string): Float32Array => float.graph.value(name)!.const!.toFloat32();
  const [[, s1Max], [, s2Max], [outMin, outMax]] = await activationRanges(
    float,
    ['ReLU32_Output_0', 'ReLU114_Output_0', 'Plus214_Output_0'],
    calibration,
  );
  const m = new Model();
  m.opsetImports.set('', 13);
  const g = m.graph;
  const x = g.addInput('Input3', tensorType('float32', [1, 1, 28, 28]));
  const qdq = (v: Value, scale: number, base: string, zeroPoint = 0, name?: string): Value => {
    const s = scalar(g, `${base}_scale`, tensorFromValues('float32', [], [scale]));
    const z = scalar(g, `${base}_zp`, tensorFromValues('uint8', [], [zeroPoint]));
    const q = g.addNode({ opType: 'QuantizeLinear', inputs: [v, s, z], outputs: [`${base}_q`] }).output();
    return g.addNode({ opType: 'DequantizeLinear', inputs: [q, s, z], outputs: [name ?? `${base}_dq`] }).output();
  };
  /** int8 weights per output channel (axis 0 of `shape`) behind DQ, and the int32 bias. */
  const qWeights = (
    base: string,
    data: Float32Array,
    shape: number[],
    bias: Float32Array,
    inScale: number,
  ): [Value, Value] => {
    const n = shape[0]!;
    const inner = data.length / n;
    const scales = new Float32Array(n);
    const q = new Int8Array(data.length);
    for (let c = 0; c < n; c++) {
      let mx = 0;
      for (let i = 0; i < inner; i++) mx = Math.max(mx, Math.abs(data[c * inner + i]!));
      scales[c] = mx > 0 ? mx / 127 : 1;
      for (let i = 0; i < inner; i++) q[c * inner + i] = Math.round(data[c * inner + i]! / scales[c]!);
    }
    const wq = g.addInitializer(`${base}_w_q`, tensorFromValues('int8', shape, q));
    const ws = g.addInitializer(`${base}_w_scale`, tensorFromValues('float32', [n], scales));
    const wz = g.addInitializer(`${base}_w_zp`, tensorFromValues('int8', [n], new Int8Array(n)));
    const wdq = g
      .addNode({
        opType: 'DequantizeLinear',
        inputs: [wq, ws, wz],
        outputs: [`${base}_w_dq`],
        attributes: { axis: attr.int(0) },
      })
      .output();
    const bScale = Float32Array.from(scales, (s) => s * inScale);
    const bq = g.addInitializer(
      `${base}_b_q`,
      tensorFromValues(
        'int32',
        [n],
        Int32Array.from(bias, (b, c) => Math.round(b / bScale[c]!)),
      ),
    );
    const bs = g.addInitializer(`${base}_b_scale`, tensorFromValues('float32', [n], bScale));
    const bz = g.addInitializer(`${base}_b_zp`, tensorFromValues('int32', [n], new Int32Array(n)));
    const bdq = g
      .addNode({
        opType: 'DequantizeLinear',
        inputs: [bq, bs, bz],
        outputs: [`${base}_b_dq`],
        attributes: { axis: attr.int(0) },
      })
      .output();
    return [wdq, bdq];
  };
  const convAttrs = { kernel_shape: attr.ints([5, 5]), auto_pad: attr.string('SAME_UPPER') };
  // Layer 1 in float (1 input channel).
  const w1 = g.addInitializer('conv1_w', tensorFromValues('float32', [8, 1, 5, 5], w('Parameter5')));
  const b1 = g.addInitializer('conv1_b', tensorFromValues('float32', [8], w('Parameter6')));
  const c1 = g.addNode({ opType: 'Conv', inputs: [x, w1, b1], outputs: ['conv1'], attributes: convAttrs }).output();
  const r1 = g.addNode({ opType: 'Relu', inputs: [c1], outputs: ['relu1'] }).output();
  const s1 = s1Max / 255;
  const p1 = g
    .addNode({
      opType: 'MaxPool',
      inputs: [qdq(r1, s1, 'relu1')],
      outputs: ['pool1'],
      attributes: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) },
    })
    .output();
  // Layer 2 in int8; its Relu is the output zero point (0 of uint8).
  const [w2, b2] = qWeights('conv2', w('Parameter87'), [16, 8, 5, 5], w('Parameter88'), s1);
  const c2 = g
    .addNode({ opType: 'Conv', inputs: [qdq(p1, s1, 'pool1'), w2, b2], outputs: ['conv2'], attributes: convAttrs })
    .output();
  const s2 = s2Max / 255;
  const p2 = g
    .addNode({
      opType: 'MaxPool',
      inputs: [qdq(c2, s2, 'conv2')],
      outputs: ['pool2'],
      attributes: { kernel_shape: attr.ints([3, 3]), strides: attr.ints([3, 3]) },
    })
    .output();
  const shape = g.addInitializer('flat_shape', tensorFromValues('int64', [2], [1n, 256n]));
  const flat = g.addNode({ opType: 'Reshape', inputs: [qdq(p2, s2, 'pool2'), shape], outputs: ['flat'] }).output();
  // Gemm weights [N, K] (transB = 1), as quantize-static stores them.
  const k = w('Parameter193');
  const wt = new Float32Array(10 * 256);
  for (let i = 0; i < 256; i++) for (let j = 0; j < 10; j++) wt[j * 256 + i] = k[i * 10 + j]!;
  const [w3, b3] = qWeights('fc', wt, [10, 256], w('Parameter194'), s2);
  const gemm = g
    .addNode({
      opType: 'Gemm',
      inputs: [qdq(flat, s2, 'flat'), w3, b3],
      outputs: [opts.quantizedOutput ? 'logits' : 'Plus214_Output_0'],
      attributes: { transB: attr.int(1) },
    })
    .output();
  let y = gemm;
  if (opts.quantizedOutput) {
    const s = (outMax - outMin) / 255;
    y = qdq(gemm, s, 'logits', Math.round(-outMin / s), 'Plus214_Output_0');
  }
  y.type = tensorType('float32', [1, 10]);
  g.setOutputs([y]);
  return m;
}
