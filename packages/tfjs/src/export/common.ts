// Helpers the IR -> TF op writers share: typed refusals naming the node, constant operands, ranks and
// the dtype TF.js will hold a value in.
import { type DataType, type Node, UnsupportedError, type Value } from '@enxuto/ir';
import { tfjsRunDtype } from '../dtypes.js';
import { a, type ExportContext } from './context.js';

export type TfExporter = (ec: ExportContext, n: Node, ins: string[], base: string) => string[];

export function unsupported(n: Node, what: string, field?: string): UnsupportedError {
  return new UnsupportedError(`${n.opType}: ${what}`, {
    code: 'tfjs/unsupported-op',
    node: n.label(),
    ...(field ? { field } : {}),
  });
}

/** The integers of constant input i; undefined when absent; a refusal when computed at run time. */
export function constInts(n: Node, i: number, what: string): number[] | undefined {
  const v = n.input(i);
  if (!v) return undefined;
  const t = v.const;
  if (!t || !/int/.test(t.dtype)) throw unsupported(n, `${what} must be a constant integer tensor`, what);
  return Array.from(t.values() as ArrayLike<number | bigint>, Number);
}

/** Axes from the attribute (older opsets) or the input (newer ones). */
export function axesOf(n: Node, inputIndex: number): number[] | undefined {
  return n.getInts('axes') ?? constInts(n, inputIndex, 'axes');
}

export function rankOf(v: Value | null | undefined): number | undefined {
  return v?.shape?.length ?? v?.const?.shape.length;
}

/** The rank of input i, or a refusal saying what needed it. */
export function needRank(n: Node, i: number, why: string): number {
  const r = rankOf(n.input(i));
  if (r === undefined) throw unsupported(n, `${why} needs the input's rank`, 'input');
  return r;
}

/** A possibly negative axis made positive. */
export function positiveAxis(n: Node, axis: number, rank: number): number {
  const p = axis < 0 ? axis + rank : axis;
  if (p < 0 || p >= rank) throw unsupported(n, `axis ${axis} is outside rank ${rank}`, 'axis');
  return p;
}

/** The dtype TF.js holds a value of this IR dtype in (int64 as int32, float16 as float32). */
export function tfType(v: Value | null | undefined, fallback: DataType = 'float32'): DataType {
  return tfjsRunDtype(v?.dtype ?? fallback);
}

export const isIntType = (d: DataType): boolean =>
  d === 'int32' || d === 'int64' || d.startsWith('int') || d.startsWith('uint');

/** An int32 vector operand: the constant, or a Cast of the computed value (TF.js shape operands are int32). */
export function int32Operand(ec: ExportContext, n: Node, i: number, ins: string[], base: string): string {
  const v = n.input(i);
  const c = v?.const;
  if (c && /int/.test(c.dtype))
    return ec.int32s(base, Array.from(c.values() as ArrayLike<number | bigint>, Number), [...c.shape]);
  return ec.emit('Cast', base, [ins[i]!], { DstT: a.type('int32') });
}

/** A transpose by a constant permutation. */
export function transposeRef(ec: ExportContext, x: string, perm: readonly number[], base: string): string {
  return ec.emit('Transpose', base, [x, ec.int32s(`${base}/perm`, perm)]);
}

/** Moves `axis` to the end (and back with the inverse permutation). */
export function axisToLast(rank: number, axis: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis);
  return [...perm, axis];
}

export function inverse(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

export const same =
  (op: string): TfExporter =>
  (ec, _n, ins, base) => [ec.emit(op, base, ins)];

export const binary =
  (op: string): TfExporter =>
  (ec, n, ins, base) => {
    if (ins.length !== 2) throw unsupported(n, 'needs two inputs');
    return [ec.emit(op, base, ins)];
  };

/** ONNX's variadic Max/Min/Sum/Mean as a chain of binary TF ops. */
export const variadic =
  (op: string, mean = false): TfExporter =>
  (ec, n, ins, base) => {
    if (ins.length === 0) throw unsupported(n, 'needs inputs');
    if (ins.length === 1) return [ec.emit('Identity', base, [ins[0]!])];
    let y = ins[0]!;
    for (let i = 1; i < ins.length; i++)
      y = ec.emit(op, i === ins.length - 1 && !mean ? base : `${base}/${i}`, [y, ins[i]!]);
    if (mean) y = ec.emit('RealDiv', base, [y, ec.float(`${base}/count`, ins.length)]);
    return [y];
  };
