// Test support: a minimal valid TFLite model as a plain object (y = x + w, float32 [1, 4]) that
// tests break one field at a time, then encode with the project's own encoder.
import {
  BuiltinOperator,
  TensorType,
  type ModelT,
  type OperatorT,
  type TensorT,
} from '../src/schema/schema.generated.js';

export function floats(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

export function tensor(name: string, shape: number[], buffer = 0, type: number = TensorType.FLOAT32): TensorT {
  return { name, shape, type, buffer, is_variable: false, has_rank: true, external_buffer: 0 };
}

export function operator(
  opcodeIndex: number,
  inputs: number[],
  outputs: number[],
  extra: Partial<OperatorT> = {},
): OperatorT {
  return {
    opcode_index: opcodeIndex,
    inputs,
    outputs,
    custom_options_format: 0,
    large_custom_options_offset: 0,
    large_custom_options_size: 0,
    debug_metadata_index: -1,
    ...extra,
  };
}

export function opcode(
  code: number,
  version = 1,
  custom?: string,
): { deprecated_builtin_code: number; builtin_code: number; version: number; custom_code?: string } {
  return {
    deprecated_builtin_code: Math.min(code, 127),
    builtin_code: code,
    version,
    ...(custom !== undefined ? { custom_code: custom } : {}),
  };
}

/** y = x + w with x an input, w a constant [1, 4] and y the output. Tensors: 0 x, 1 w, 2 y. */
export function tinyModel(): ModelT {
  return {
    version: 3,
    operator_codes: [opcode(BuiltinOperator.ADD)],
    buffers: [
      { offset: 0, size: 0 },
      { data: floats([1, 2, 3, 4]), offset: 0, size: 0 },
    ],
    subgraphs: [
      {
        tensors: [tensor('x', [1, 4]), tensor('w', [1, 4], 1), tensor('y', [1, 4])],
        inputs: [0],
        outputs: [2],
        operators: [
          operator(0, [0, 1], [2], {
            builtin_options: { type: 'AddOptions', value: { fused_activation_function: 0, pot_scale_int16: true } },
          }),
        ],
        name: 'main',
        debug_metadata_index: -1,
      },
    ],
  };
}
