// TRANSPOSE_CONV and MediaPipe's Convolution2DTransposeBias custom op (the same geometry with the
// bias as a third input and its parameters in the custom options) -> ONNX ConvTranspose.
import { attr, type Attr, type Node, type Value } from '@enxuto/ir';
import { constInts, type LowerContext } from './context.js';
import { inNchw, input, optionalInput, unsupported, weights } from './helpers.js';

interface TransposeConvGeometry {
  x: number;
  w: number;
  b: number;
  padding: 'SAME' | 'VALID';
  strides: [number, number];
  /** NHWC output shape. */
  outShape: readonly number[];
}

function transposeConv(ctx: LowerContext, n: Node, g: TransposeConvGeometry): Value {
  const w = weights(ctx, n, g.w, [3, 0, 1, 2], 'tconv_w'); // [O, KH, KW, I] -> [I, O, KH, KW]
  const b = optionalInput(ctx, n, g.b);
  const attrs: Record<string, Attr> = { strides: attr.ints(g.strides) };
  if (g.padding === 'VALID') {
    // No padding; any extra output rows/columns come from output_padding.
    const kernel = n.inputs[g.w]?.shape;
    const inShape = n.inputs[g.x]?.shape;
    if (!kernel || !inShape || [kernel[1], kernel[2], inShape[1], inShape[2]].some((d) => typeof d !== 'number')) {
      unsupported(n, 'VALID padding needs static input and kernel shapes', `inputs[${g.x}]`);
    }
    const extra = [0, 1].map(
      (i) => g.outShape[1 + i]! - (g.strides[i]! * ((inShape[1 + i] as number) - 1) + (kernel[1 + i] as number)),
    );
    if (extra.some((e, i) => e < 0 || e >= g.strides[i]!))
      unsupported(n, 'the output shape is not reachable with VALID padding', 'padding');
    attrs['output_padding'] = attr.ints(extra);
    attrs['pads'] = attr.ints([0, 0, 0, 0]);
  } else {
    // TFLite pads floor(total / 2) before and the rest after: ONNX SAME_UPPER with output_shape.
    attrs['auto_pad'] = attr.string('SAME_UPPER');
    attrs['output_shape'] = attr.ints([g.outShape[1]!, g.outShape[2]!]);
  }
  return inNchw(ctx, n, input(ctx, n, g.x), (x) => ctx.op('ConvTranspose', b ? [x, w, b] : [x, w], attrs)[0]!);
}

function staticOutput(n: Node, fromInput: number | undefined): number[] {
  const declared = n.outputs[0]?.shape;
  const given = fromInput === undefined ? undefined : constInts(n.inputs[fromInput] ?? null);
  if (given !== undefined) return given;
  if (declared?.length === 4 && declared.every((d) => typeof d === 'number')) return declared as number[];
  return unsupported(n, 'the output shape must be a constant or static', 'outputs[0]');
}

export function lowerTransposeConv(ctx: LowerContext, n: Node): Value[] {
  // output_shape (NHWC) is often a graph input; the output's static shape then says the same.
  const padding = n.getString('padding', 'SAME') === 'VALID' ? 'VALID' : 'SAME';
  const strides: [number, number] = [n.getInt('stride_h', 1), n.getInt('stride_w', 1)];
  return [transposeConv(ctx, n, { x: 2, w: 1, b: 3, padding, strides, outShape: staticOutput(n, 0) })];
}

/**
 * MediaPipe's Convolution2DTransposeBias: inputs (input, weights OHWI, bias), custom options the
 * C struct TfLiteTransposeConvParams { int32 padding (1 SAME, 2 VALID); int32 stride_w, stride_h }.
 */
export function lowerConvolution2DTransposeBias(ctx: LowerContext, n: Node): Value[] {
  const options = n.attr('custom_options');
  const bytes = options?.type === 'tensor' ? options.value.bytes() : undefined;
  if (bytes === undefined || bytes.length < 12)
    unsupported(n, 'custom options must hold padding and strides (12 bytes)', 'custom_options');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const code = view.getInt32(0, true);
  const [sw, sh] = [view.getInt32(4, true), view.getInt32(8, true)];
  if (code !== 1 && code !== 2)
    unsupported(n, `padding code ${code} is neither SAME (1) nor VALID (2)`, 'custom_options');
  if (![sw, sh].every((s) => s >= 1 && s <= 1 << 16))
    unsupported(n, `strides ${sw}x${sh} are out of range`, 'custom_options');
  const padding = code === 1 ? 'SAME' : 'VALID';
  return [
    transposeConv(ctx, n, { x: 0, w: 1, b: 2, padding, strides: [sh, sw], outShape: staticOutput(n, undefined) }),
  ];
}
