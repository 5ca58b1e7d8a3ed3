// Checks the TFLite meaning of a decoded model before anything uses it (BAD_INPUTS.md cases
// 18-27, after TFLite's own verifier.cc): every index in range, buffers inside the file and of
// the size their tensor needs, sane shapes and quantization, a data flow without cycles, and
// subgraph references without loops. Each failure is a FormatError naming file, field, op and
// tensor.
import { FormatError } from '@enxuto/ir';
import { builtinCodeOf, builtinOperatorName, TENSOR_TYPE_BITS } from './enums.js';
import {
  BuiltinOperator,
  type BufferT,
  type ModelT,
  type OperatorT,
  type SubGraphT,
  type TensorT,
} from './schema.generated.js';
import { countSparseElements } from './sparsity.js';
import { OPTIONAL_INPUTS, operandShapeProblem } from './verify-operands.js';
import { quantizationProblem } from './verify-quant.js';

export const SCHEMA_VERSION = 3;
/** Largest tensor enxuto accepts, in bytes (TFLite's own limit for a FlatBuffer-held tensor). */
export const MAX_TENSOR_BYTES = 2 ** 32;
const OPS = BuiltinOperator;
const KNOWN_OPERATOR_CODES = new Set<number>(Object.values(BuiltinOperator));

export interface VerifyOptions {
  file?: string;
}

/** The bytes of buffer `index`: its inline data, or its offset/size region of the file. */
export function bufferBytes(buffer: BufferT, file: Uint8Array): Uint8Array {
  if (buffer.offset > 1) return file.subarray(buffer.offset, buffer.offset + buffer.size);
  return buffer.data ?? new Uint8Array(0);
}

/** Elements of `shape`, or Infinity once the count passes 2^53 (never a wrong finite number). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER) return Infinity;
  }
  return n;
}

class Verifier {
  constructor(
    private readonly model: ModelT,
    private readonly file: Uint8Array,
    private readonly fileName: string | undefined,
  ) {}

  fail(code: string, message: string, where: { field: string; node?: string; value?: string }): never {
    throw new FormatError(message, {
      code: `tflite/${code}`,
      ...(this.fileName !== undefined ? { file: this.fileName } : {}),
      ...where,
    });
  }

  run(): void {
    const m = this.model;
    if (m.version !== SCHEMA_VERSION)
      this.fail('schema-version', `schema version ${m.version}, expected ${SCHEMA_VERSION}`, { field: 'version' });
    const subgraphs = m.subgraphs ?? [];
    if (subgraphs.length === 0) this.fail('no-subgraph', 'model has no subgraphs', { field: 'subgraphs' });
    const buffers = m.buffers ?? [];
    buffers.forEach((b, i) => this.checkBuffer(b, i));
    (m.operator_codes ?? []).forEach((oc, i) => {
      const field = `operator_codes[${i}]`;
      const code = builtinCodeOf(oc);
      if (!KNOWN_OPERATOR_CODES.has(code) || code === OPS.PLACEHOLDER_FOR_GREATER_OP_CODES) {
        this.fail('bad-builtin-code', `builtin operator code ${code} is not in the schema`, {
          field: `${field}.builtin_code`,
        });
      }
      if (code === OPS.CUSTOM && (oc.custom_code === undefined || oc.custom_code === '')) {
        this.fail('empty-custom-code', 'custom operator has an empty name', { field: `${field}.custom_code` });
      }
    });
    subgraphs.forEach((sg, i) => this.checkSubgraph(sg, i));
    this.checkSubgraphCalls();
    (m.signature_defs ?? []).forEach((sig, i) => {
      const field = `signature_defs[${i}]`;
      const sg = subgraphs[sig.subgraph_index];
      if (sg === undefined)
        this.fail('bad-subgraph-index', `subgraph index ${sig.subgraph_index} out of range`, {
          field: `${field}.subgraph_index`,
        });
      const count = sg.tensors?.length ?? 0;
      for (const kind of ['inputs', 'outputs'] as const) {
        (sig[kind] ?? []).forEach((tm, j) => {
          if (tm.tensor_index >= count)
            this.fail('bad-tensor-index', `tensor index ${tm.tensor_index} out of range (${count} tensors)`, {
              field: `${field}.${kind}[${j}].tensor_index`,
            });
        });
      }
    });
    (m.metadata ?? []).forEach((md, i) => {
      if (md.buffer >= buffers.length)
        this.fail('bad-buffer-index', `buffer index ${md.buffer} out of range (${buffers.length} buffers)`, {
          field: `metadata[${i}].buffer`,
        });
    });
    (m.metadata_buffer ?? []).forEach((b, i) => {
      if (b < 0 || b >= buffers.length)
        this.fail('bad-buffer-index', `buffer index ${b} out of range (${buffers.length} buffers)`, {
          field: `metadata_buffer[${i}]`,
        });
    });
  }

  private checkRegion(offset: number, size: number, field: string): void {
    const len = this.file.length;
    // Written so that nothing can wrap: size first, then offset against what is left.
    if (size > len || offset > len - size) {
      this.fail('buffer-outside-file', `region at offset ${offset} of ${size} bytes is outside the ${len}-byte file`, {
        field,
      });
    }
  }

  private checkBuffer(b: BufferT, i: number): void {
    if (b.offset > 1) this.checkRegion(b.offset, b.size, `buffers[${i}].offset`);
    else if (b.size !== 0 && b.offset === 0) {
      // A size without an offset points nowhere.
      this.fail('buffer-outside-file', `buffer has size ${b.size} but no offset`, { field: `buffers[${i}].size` });
    }
  }

  private checkTensor(t: TensorT, field: string, isGraphIo: boolean): void {
    const name = t.name ?? field;
    const bits = TENSOR_TYPE_BITS[t.type];
    if (bits === undefined)
      this.fail('bad-tensor-type', `tensor type ${t.type} is not in the schema`, {
        field: `${field}.type`,
        value: name,
      });
    const shape = t.shape ?? [];

    const count = elementCount(shape);
    if (bits > 0 && (count * bits) / 8 > MAX_TENSOR_BYTES) {
      this.fail('tensor-too-large', `shape [${shape.join(', ')}] needs more than 2^32 bytes`, {
        field: `${field}.shape`,
        value: name,
      });
    }
    const buffers = this.model.buffers ?? [];
    if (t.buffer >= buffers.length)
      this.fail('bad-buffer-index', `buffer index ${t.buffer} out of range (${buffers.length} buffers)`, {
        field: `${field}.buffer`,
        value: name,
      });
    const data = bufferBytes(buffers[t.buffer]!, this.file);
    shape.forEach((d, k) => {
      // Zero-sized intermediates are legitimate (quantized LSTMs carry [0]-shaped ones); zero-sized
      // constants or graph inputs/outputs are not.
      if (d < 0 || (d === 0 && (data.length > 0 || isGraphIo))) {
        this.fail('bad-dim', `dimension ${k} is ${d}; dims must be positive`, {
          field: `${field}.shape[${k}]`,
          value: name,
        });
      }
    });
    this.checkQuantization(t, field, name, shape);
    let stored = count;
    if (t.sparsity !== undefined) {
      const n = countSparseElements(t.sparsity, shape);
      if (typeof n === 'string') this.fail('bad-sparsity', n, { field: `${field}.sparsity`, value: name });
      stored = n;
    }
    if (data.length > 0 && bits > 0) {
      const packed = Math.ceil((stored * bits) / 8);
      // Sub-byte types may be stored one element per byte by older converters.
      const ok = data.length === packed || (bits < 8 && data.length === stored);
      if (!ok) {
        this.fail('buffer-size', `buffer ${t.buffer} has ${data.length} bytes, tensor needs ${packed}`, {
          field: `${field}.buffer`,
          value: name,
        });
      }
    }
  }

  private checkQuantization(t: TensorT, field: string, name: string, shape: readonly number[]): void {
    const problem = quantizationProblem(t, shape);
    if (problem !== undefined)
      this.fail('bad-quantization', problem.message, { field: `${field}.quantization.${problem.field}`, value: name });
  }

  private checkSubgraph(sg: SubGraphT, s: number): void {
    const sf = `subgraphs[${s}]`;
    const tensors = sg.tensors ?? [];
    const io = new Set([...(sg.inputs ?? []), ...(sg.outputs ?? [])]);
    tensors.forEach((t, i) => this.checkTensor(t, `${sf}.tensors[${i}]`, io.has(i)));
    const n = tensors.length;
    const tensorName = (i: number): string => tensors[i]?.name ?? `#${i}`;
    for (const kind of ['inputs', 'outputs'] as const) {
      (sg[kind] ?? []).forEach((ti, j) => {
        if (ti < 0 || ti >= n)
          this.fail('bad-tensor-index', `tensor index ${ti} out of range (${n} tensors)`, {
            field: `${sf}.${kind}[${j}]`,
          });
      });
    }
    const opcodes = this.model.operator_codes ?? [];
    const buffers = this.model.buffers ?? [];
    const isConstant = (ti: number): boolean => bufferBytes(buffers[tensors[ti]!.buffer]!, this.file).length > 0;
    // The op producing each tensor (-1: a graph input, -2: none), found up front so that reading
    // a tensor before (or while) it is produced shows up as a cycle.
    const producer = new Int32Array(n).fill(-2);
    for (const ti of sg.inputs ?? []) producer[ti] = -1;
    (sg.operators ?? []).forEach((op, k) => {
      (op.outputs ?? []).forEach((ti, j) => {
        const field = `${sf}.operators[${k}].outputs[${j}]`;
        if (ti < 0 || ti >= n)
          this.fail('bad-tensor-index', `tensor index ${ti} out of range (${n} tensors); outputs cannot be optional`, {
            field,
          });
        if (producer[ti] !== -2)
          this.fail('multiple-producers', 'tensor is produced twice (by a graph input or an earlier op)', {
            field,
            value: tensorName(ti),
          });
        producer[ti] = k;
      });
    });
    (sg.operators ?? []).forEach((op, k) => {
      const of = `${sf}.operators[${k}]`;
      if (op.opcode_index >= opcodes.length) {
        this.fail(
          'bad-opcode-index',
          `opcode index ${op.opcode_index} out of range (${opcodes.length} operator codes)`,
          { field: `${of}.opcode_index` },
        );
      }
      const code = builtinCodeOf(opcodes[op.opcode_index]!);
      const opName = `${builtinOperatorName(code) ?? code}#${k}`;
      const optional = OPTIONAL_INPUTS[code];
      const inputs = op.inputs ?? [];
      const outputs = op.outputs ?? [];
      inputs.forEach((ti, j) => {
        const field = `${of}.inputs[${j}]`;
        if (ti === -1) {
          if (optional === undefined || !optional(j))
            this.fail('missing-input', 'input is -1 but is not optional for this op', { field, node: opName });
          return;
        }
        if (ti < 0 || ti >= n)
          this.fail('bad-tensor-index', `tensor index ${ti} out of range (${n} tensors)`, { field, node: opName });
        if (outputs.includes(ti))
          this.fail('input-is-output', 'tensor is both an input and an output of the op', {
            field,
            node: opName,
            value: tensorName(ti),
          });
        if (producer[ti]! >= k)
          this.fail('producer-cycle', 'input is produced by this or a later op (cycle or wrong order)', {
            field,
            node: opName,
            value: tensorName(ti),
          });
      });
      outputs.forEach((ti, j) => {
        if (isConstant(ti))
          this.fail('output-is-constant', 'op writes into a constant tensor', {
            field: `${of}.outputs[${j}]`,
            node: opName,
            value: tensorName(ti),
          });
      });
      (op.intermediates ?? []).forEach((ti, j) => {
        if (ti < 0 || ti >= n)
          this.fail('bad-tensor-index', `tensor index ${ti} out of range (${n} tensors)`, {
            field: `${of}.intermediates[${j}]`,
            node: opName,
          });
      });
      const mutating = op.mutating_variable_inputs ?? [];
      if (mutating.length !== 0 && mutating.length !== inputs.length) {
        this.fail(
          'bad-operator',
          `mutating_variable_inputs has ${mutating.length} entries for ${inputs.length} inputs`,
          { field: `${of}.mutating_variable_inputs`, node: opName },
        );
      }
      const shapes = operandShapeProblem(
        code,
        inputs.map((ti) => (ti >= 0 ? tensors[ti] : undefined)),
        (op.builtin_options?.value ?? {}) as Record<string, unknown>,
      );
      if (shapes !== undefined)
        this.fail('shape-mismatch', shapes.message, {
          field: `${of}.inputs[${shapes.input}]`,
          node: opName,
          value: tensorName(inputs[shapes.input]!),
        });
      if (op.large_custom_options_offset > 1)
        this.checkRegion(
          op.large_custom_options_offset,
          op.large_custom_options_size,
          `${of}.large_custom_options_offset`,
        );
    });
  }

  /** Subgraph indices an operator's options refer to (WHILE, IF, CALL_ONCE, CALL, StableHLO bodies). */
  private static calls(op: OperatorT): { field: string; index: number }[] {
    const out: { field: string; index: number }[] = [];
    for (const [slot, opts] of [
      ['builtin_options', op.builtin_options],
      ['builtin_options_2', op.builtin_options_2],
    ] as const) {
      if (opts === undefined) continue;
      for (const [key, v] of Object.entries(opts.value as Record<string, unknown>)) {
        const isRef =
          key.endsWith('subgraph_index') ||
          key.endsWith('subgraph_indices') ||
          (opts.type === 'CallOptions' && key === 'subgraph');
        if (!isRef) continue;
        const values = Array.isArray(v) ? (v as number[]) : [v as number];
        values.forEach((index, j) => out.push({ field: `${slot}.${key}${Array.isArray(v) ? `[${j}]` : ''}`, index }));
      }
    }
    return out;
  }

  private checkSubgraphCalls(): void {
    const subgraphs = this.model.subgraphs ?? [];
    const edges: number[][] = subgraphs.map(() => []);
    subgraphs.forEach((sg, s) => {
      (sg.operators ?? []).forEach((op, k) => {
        const calls = Verifier.calls(op);
        const node = `${op.builtin_options?.type ?? op.builtin_options_2?.type ?? 'op'}#${k}`;
        for (const c of calls) {
          const field = `subgraphs[${s}].operators[${k}].${c.field}`;
          if (c.index < 0 || c.index >= subgraphs.length)
            this.fail('bad-subgraph-index', `subgraph index ${c.index} out of range (${subgraphs.length} subgraphs)`, {
              field,
              node,
            });
          edges[s]!.push(c.index);
        }
        if (op.builtin_options?.type === 'WhileOptions') {
          const w = op.builtin_options.value;
          if (w.cond_subgraph_index === w.body_subgraph_index) {
            this.fail('while-cond-is-body', `WHILE condition and body are both subgraph ${w.body_subgraph_index}`, {
              field: `subgraphs[${s}].operators[${k}].builtin_options.body_subgraph_index`,
              node,
            });
          }
        }
      });
    });
    // Iterative DFS (no recursion: a hostile file may chain thousands of subgraphs).
    const state = new Uint8Array(subgraphs.length); // 0 new, 1 on stack, 2 done
    for (let start = 0; start < subgraphs.length; start++) {
      if (state[start] !== 0) continue;
      const stack: [number, number][] = [[start, 0]];
      state[start] = 1;
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const [s, next] = top;
        if (next >= edges[s]!.length) {
          state[s] = 2;
          stack.pop();
          continue;
        }
        top[1]++;
        const t = edges[s]![next]!;
        if (state[t] === 1)
          this.fail('subgraph-loop', `subgraph ${s} calls subgraph ${t}, which is already on the call chain`, {
            field: `subgraphs[${s}].operators`,
          });
        if (state[t] === 0) {
          state[t] = 1;
          stack.push([t, 0]);
        }
      }
    }
  }
}

/** Throws a FormatError unless `model` (decoded from `file`) is a well-formed TFLite model. */
export function verifyModel(model: ModelT, file: Uint8Array, options: VerifyOptions = {}): void {
  new Verifier(model, file, options.file).run();
}
