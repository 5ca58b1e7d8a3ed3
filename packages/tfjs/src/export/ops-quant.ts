// Quantized sources -> TF.js, which computes in float32 only. A dequantized constant weight becomes
// one Const whose manifest entry keeps the compact storage TF.js can express exactly: int8/uint8
// per-tensor as the manifest's uint8 affine form (value = code * scale + min), float16 as float16.
// Per-axis weights are dequantized to float32. Quantize/Dequantize on activations are emulated
// exactly (round half to even, saturate) so the TF.js model computes what the QDQ model computes.
import { dequantizeValues, type Node, type Tensor, tensorFromValues } from '@enxuto/ir';
import type { EncodedWeight } from '../encode-weights.js';
import { a, type ExportContext } from './context.js';
import { needRank, type TfExporter, unsupported } from './common.js';

const RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-(2 ** 31), 2 ** 31 - 1],
};

function scalarOf(t: Tensor | undefined): number | undefined {
  if (t?.size !== 1) return undefined;
  return Number((t.values() as ArrayLike<number | bigint>)[0]);
}

/** The manifest encoding of dequantize(q, scale, zp) per tensor, when it is exact in TF.js's uint8 form. */
function affineUint8(q: Tensor, scale: number, zp: number): EncodedWeight | undefined {
  if (q.dtype !== 'uint8' && q.dtype !== 'int8') return undefined;
  const shift = q.dtype === 'int8' ? 128 : 0;
  const src = q.values() as ArrayLike<number>;
  const codes = Uint8Array.from(src, (v) => v + shift);
  return {
    entry: {
      name: '',
      shape: [...q.shape],
      dtype: 'float32',
      quantization: { dtype: 'uint8', scale, min: -(zp + shift) * scale },
    },
    bytes: codes,
  };
}

const dequantize: TfExporter = (ec, n, ins, base) => {
  const [x, s, z] = [n.input(0)!, n.input(1), n.input(2)];
  const scaleT = s?.const;
  const zpT = z?.const;
  const axis = n.getInt('axis', 1);
  if (x.const && !x.producer() && scaleT && (!z || zpT)) {
    const scale = scalarOf(scaleT);
    const zp = zpT ? scalarOf(zpT) : 0;
    if (scale !== undefined && zp !== undefined) {
      const encoded = affineUint8(x.const, scale, zp);
      const params = { dtype: x.const.dtype, scale: Float32Array.of(scale), zeroPoint: Int32Array.of(zp) };
      const values = dequantizeValues(x.const.values() as ArrayLike<number>, params, x.const.shape);
      return [ec.constant(base, tensorFromValues('float32', [...x.const.shape], values), encoded)];
    }
    // Per-axis: float32 values (the manifest has no per-channel quantization).
    const values = dequantizeValues(
      x.const.values() as ArrayLike<number>,
      {
        dtype: x.const.dtype,
        scale: scaleT.toFloat32(),
        zeroPoint: Int32Array.from(
          (zpT?.values() as ArrayLike<number> | undefined) ?? new Array(scaleT.size).fill(0),
          Number,
        ),
        axis,
      },
      x.const.shape,
    );
    return [ec.constant(base, tensorFromValues('float32', [...x.const.shape], values))];
  }
  // Activations: (float(x) - zp) * scale, per tensor or along `axis`.
  const perAxis = (scaleT?.size ?? 1) > 1 || (s?.shape?.length ?? 0) > 0;
  const alongAxis = (ref: string, nm: string) => {
    if (!perAxis) return ref;
    const r = needRank(n, 0, 'per-axis dequantization');
    const p = axis < 0 ? axis + r : axis;
    return ec.emit('Reshape', `${base}/${nm}_axis`, [
      ref,
      ec.int32s(`${base}/${nm}_shape`, [-1, ...new Array(r - 1 - p).fill(1)]),
    ]);
  };
  let y = ec.emit('Cast', `${base}/float`, [ins[0]!], { DstT: a.type('float32') });
  if (z)
    y = ec.emit('Sub', `${base}/centered`, [
      y,
      alongAxis(ec.emit('Cast', `${base}/zp`, [ins[2]!], { DstT: a.type('float32') }), 'zp'),
    ]);
  return [ec.emit('Mul', base, [y, alongAxis(ins[1]!, 'scale')])];
};

/** QuantizeLinear: saturate(round_half_even(x / scale) + zp), held as int32 (TF.js has no int8). */
const quantize: TfExporter = (ec, n, ins, base) => {
  const z = n.input(2);
  const outType = z?.dtype ?? (n.getInt('output_dtype') === 3 ? 'int8' : 'uint8');
  const range = RANGES[outType];
  if (!range) throw unsupported(n, `quantizing to ${outType}`, 'y_zero_point');
  if ((n.input(1)?.const?.size ?? 1) > 1 || (n.input(1)?.shape?.length ?? 0) > 0) {
    throw unsupported(n, 'per-axis quantization of activations', 'y_scale');
  }
  let y = ec.emit('Round', `${base}/round`, [ec.emit('RealDiv', `${base}/scaled`, [ins[0]!, ins[1]!])]);
  if (z)
    y = ec.emit('AddV2', `${base}/shifted`, [y, ec.emit('Cast', `${base}/zp`, [ins[2]!], { DstT: a.type('float32') })]);
  y = ec.emit('ClipByValue', `${base}/saturated`, [
    y,
    ec.float(`${base}/lo`, range[0]),
    ec.float(`${base}/hi`, range[1]),
  ]);
  return [ec.emit('Cast', base, [y], { DstT: a.type('int32') })];
};

/** Cast of a float16 constant to float32: one Const stored as float16 in the manifest. */
export function float16Weight(ec: ExportContext, n: Node, base: string): string | undefined {
  const x = n.input(0);
  const t = x?.const;
  if (!t || x!.producer() || t.dtype !== 'float16' || n.getInt('to', 0) !== 1) return undefined;
  const encoded: EncodedWeight = {
    entry: { name: '', shape: [...t.shape], dtype: 'float32', quantization: { dtype: 'float16' } },
    bytes: t.bytes(),
  };
  return ec.constant(base, t, encoded);
}

export const QUANT_EXPORTERS: [string, TfExporter][] = [
  ['DequantizeLinear', dequantize],
  ['QuantizeLinear', quantize],
];
