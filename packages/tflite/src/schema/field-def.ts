// The shape of one generated field descriptor (see schema.generated.ts).

/** Scalar type codes as they appear in descriptors. */
export type ScalarCode = 'bool' | 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32' | 'i64' | 'u64' | 'f32' | 'f64';

export interface FieldDef {
  readonly name: string;
  /** vtable slot; a union uses `slot` for its type byte and `slot + 1` for its value. */
  readonly slot: number;
  /** A ScalarCode, 'str', 'T:Table', 'U:Union', or '[...]' for a vector of one of those. */
  readonly type: string;
  readonly default?: number | boolean;
  readonly enum?: string;
  /** force_align of a vector's data, in bytes. */
  readonly align?: number;
  readonly deprecated?: boolean;
}
