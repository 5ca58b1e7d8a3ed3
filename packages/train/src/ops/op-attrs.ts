// Typed, named access to a node's attributes, with ONNX defaults supplied by each op.
import { CheckError, type Attr, type Tensor } from '@enxuto/ir';

export class OpAttrs {
  constructor(
    private readonly attrs: ReadonlyMap<string, Attr>,
    private readonly node = '',
  ) {}

  /** Builds attributes from IR attribute values, e.g. `OpAttrs.of({ axis: attr.int(1) })` (tests). */
  static of(values: Record<string, Attr>, node = ''): OpAttrs {
    return new OpAttrs(new Map(Object.entries(values)), node);
  }

  has(name: string): boolean {
    return this.attrs.has(name);
  }

  int(name: string, fallback: number): number;
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    const a = this.get(name, 'int');
    return a === undefined ? fallback : toNumber(a.value);
  }

  ints(name: string, fallback: number[]): number[];
  ints(name: string): number[] | undefined;
  ints(name: string, fallback?: number[]): number[] | undefined {
    const a = this.get(name, 'ints');
    return a === undefined ? fallback : a.value.map(toNumber);
  }

  float(name: string, fallback: number): number;
  float(name: string): number | undefined;
  float(name: string, fallback?: number): number | undefined {
    const a = this.attrs.get(name);
    if (a === undefined) return fallback;
    // Some exporters write integral floats as ints (alpha: 1); the meaning is unambiguous.
    if (a.type === 'int') return toNumber(a.value);
    if (a.type !== 'float') throw this.typeError(name, 'float', a.type);
    return a.value;
  }

  floats(name: string): number[] | undefined {
    return this.get(name, 'floats')?.value;
  }

  string(name: string, fallback: string): string;
  string(name: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    const a = this.get(name, 'string');
    return a === undefined ? fallback : a.value;
  }

  tensor(name: string): Tensor | undefined {
    return this.get(name, 'tensor')?.value;
  }

  private get<K extends Attr['type']>(name: string, type: K): Extract<Attr, { type: K }> | undefined {
    const a = this.attrs.get(name);
    if (a === undefined) return undefined;
    if (a.type !== type) throw this.typeError(name, type, a.type);
    return a as Extract<Attr, { type: K }>;
  }

  private typeError(name: string, want: string, got: string): CheckError {
    return new CheckError(`attribute ${name} should be ${want}, got ${got}`, {
      code: 'train/attr-type',
      node: this.node,
      field: name,
    });
  }
}

/** int64 attribute values beyond double precision (INT64_MAX ends) only ever mean "huge". */
function toNumber(v: number | bigint): number {
  return typeof v === 'bigint' ? Number(v) : v;
}
