// Window geometry of ONNX Conv and pooling ops: explicit pads or auto_pad, and ceil_mode. Pure
// numbers, no tensors, so the rules are tested on their own.
import { CheckError, UnsupportedError } from '@enxuto/ir';

export interface WindowGeometry {
  /** Padding before and after each spatial axis (from pads or auto_pad). */
  begin: number[];
  end: number[];
  /** Extra padding after each axis that ceil_mode's last, partial window reads (pools only). */
  extra: number[];
  /** Output size of each spatial axis. */
  out: number[];
}

export interface WindowSpec {
  input: readonly number[];
  kernel: readonly number[];
  strides: readonly number[];
  dilations: readonly number[];
  autoPad: string;
  pads?: readonly number[] | undefined;
  ceilMode?: boolean;
  node?: string;
}

export function windowGeometry(spec: WindowSpec): WindowGeometry {
  const n = spec.input.length;
  const geo: WindowGeometry = { begin: [], end: [], extra: [], out: [] };
  const autoPad = spec.autoPad === '' ? 'NOTSET' : spec.autoPad;
  if (spec.pads !== undefined && spec.pads.length !== 2 * n) {
    throw new CheckError(`pads has ${spec.pads.length} entries, expected ${2 * n}`, {
      code: 'train/bad-pads',
      node: spec.node,
      field: 'pads',
    });
  }
  for (let i = 0; i < n; i++) {
    const size = spec.input[i]!;
    const s = spec.strides[i] ?? 1;
    const keff = ((spec.kernel[i] ?? 1) - 1) * (spec.dilations[i] ?? 1) + 1;
    let b = 0;
    let e = 0;
    let out: number;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      out = Math.ceil(size / s);
      const total = Math.max(0, (out - 1) * s + keff - size);
      const small = Math.floor(total / 2);
      [b, e] = autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
    } else if (autoPad === 'VALID') {
      out = Math.floor((size - keff) / s) + 1;
    } else if (autoPad === 'NOTSET') {
      b = spec.pads?.[i] ?? 0;
      e = spec.pads?.[i + n] ?? 0;
      const span = size + b + e - keff;
      out = (spec.ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
      // A ceil_mode window must start inside the input or the leading padding.
      if (spec.ceilMode && (out - 1) * s >= size + b) out -= 1;
    } else {
      throw new UnsupportedError(`auto_pad ${spec.autoPad}`, {
        code: 'train/auto-pad',
        node: spec.node,
        field: 'auto_pad',
      });
    }
    if (out < 1) {
      throw new CheckError(`window of ${keff} does not fit input of ${size} (+${b + e} padding)`, {
        code: 'train/window-too-big',
        node: spec.node,
        field: 'kernel_shape',
      });
    }
    geo.begin.push(b);
    geo.end.push(e);
    geo.extra.push(Math.max(0, (out - 1) * s + keff - (size + b + e)));
    geo.out.push(out);
  }
  return geo;
}
