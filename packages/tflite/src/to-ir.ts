// Decoded (and verified) TFLite model -> IR. TFLite ops become nodes of the `tflite` domain whose
// opType is the BuiltinOperator name and whose attributes are the builtin options' fields, so the
// round trip is exact. Subgraph 0 is the main graph; subgraphs 1..n (WHILE/IF bodies) become local
// functions of the `tflite.subgraph` domain, referred to by index as in TFLite. Constant data stays
// a view on the file bytes.
import {
  FormatError,
  LazyTensor,
  LocalFunction,
  Model,
  StringTensor,
  UnsupportedError,
  attr,
  byteLengthOf,
  tensorFromBytes,
  tensorType,
  type Attr,
  type DataType,
  type Dim,
  type Graph,
  type Tensor,
  type Value,
} from '@enxuto/ir';
import { EXTRA, TFLITE_CUSTOM_DOMAIN, TFLITE_DOMAIN, TFLITE_SUBGRAPH_DOMAIN } from './extras.js';
import { optionsAreAttributes, optionsToAttributes } from './ops/options.js';
import { QUANT_EXTRA, quantFromTflite, quantNeedsExtra } from './quantization.js';
import {
  builtinCodeOf,
  builtinOperatorName,
  TENSOR_TYPE_BITS,
  TENSOR_TYPE_TO_DTYPE,
  tensorTypeName,
} from './schema/enums.js';
import {
  BuiltinOperator,
  type ModelT,
  type OperatorT,
  type SubGraphT,
  type TensorT,
} from './schema/schema.generated.js';
import { bufferBytes, elementCount } from './schema/verify.js';
import { densify, packUnpacked, parseStringBuffer } from './tensor-data.js';

export interface ToIrOptions {
  file?: string;
}

/**
 * A signature with IR value names in place of tensor indices, so that it survives re-indexing
 * and cloneModel (extras are copied as they are, so they never hold Value objects).
 */
export interface TfliteSignature {
  key: string;
  subgraphIndex: number;
  inputs: { name: string; value: string }[];
  outputs: { name: string; value: string }[];
}

/**
 * An op's intermediate tensor: the name of an IR value when the tensor is also part of the data
 * flow, else the tensor itself (op-internal scratch with quantization, never an IR value, so that
 * dead-code removal cannot lose it).
 */
export type TfliteIntermediate = { index: number; value: string } | { index: number; tensor: TensorT };

class Importer {
  constructor(
    private readonly m: ModelT,
    private readonly file: Uint8Array,
    private readonly fileName: string | undefined,
  ) {}

  private where(field: string, value?: string): { file?: string; field: string; value?: string } {
    return {
      ...(this.fileName !== undefined ? { file: this.fileName } : {}),
      field,
      ...(value !== undefined ? { value } : {}),
    };
  }

  run(): Model {
    const model = new Model();
    model.opsetImports.clear();
    model.opsetImports.set(TFLITE_DOMAIN, this.m.version);
    model.producerName = 'tflite';
    if (this.m.description !== undefined) model.docString = this.m.description;
    const subgraphs = this.m.subgraphs ?? [];
    const valuesBySubgraph: Value[][] = [];
    subgraphs.forEach((sg, s) => {
      let graph: Graph;
      if (s === 0) {
        graph = model.graph;
        graph.name = sg.name ?? 'main';
      } else {
        const fn = new LocalFunction(
          sg.name !== undefined && sg.name !== '' ? sg.name : `subgraph_${s}`,
          TFLITE_SUBGRAPH_DOMAIN,
        );
        fn.extras.set(EXTRA.subgraphIndex, s);
        model.functions.push(fn);
        graph = fn.body;
        graph.name = sg.name ?? '';
      }
      if (sg.debug_metadata_index !== -1) graph.extras.set(EXTRA.debugMetadataIndex, sg.debug_metadata_index);
      valuesBySubgraph.push(this.subgraph(sg, s, graph, model));
    });
    if (model.functions.length > 0) model.opsetImports.set(TFLITE_SUBGRAPH_DOMAIN, 1);
    this.modelExtras(model, valuesBySubgraph);
    return model;
  }

  private modelExtras(model: Model, valuesBySubgraph: Value[][]): void {
    const buffers = this.m.buffers ?? [];
    const bytesOf = (i: number): Uint8Array => bufferBytes(buffers[i]!, this.file);
    if (this.m.metadata !== undefined) {
      model.extras.set(
        EXTRA.metadata,
        this.m.metadata.map((md) => ({ name: md.name ?? '', bytes: bytesOf(md.buffer) })),
      );
      for (const md of this.m.metadata) {
        // Text metadata (min_runtime_version) is also shown as model metadata.
        const b = bytesOf(md.buffer);
        if (md.name !== undefined && b.length < 256 && b.every((c) => c === 0 || (c >= 32 && c < 127))) {
          model.metadata.set(md.name, new TextDecoder().decode(b).replace(/\0+$/, ''));
        }
      }
    }
    if (this.m.metadata_buffer !== undefined)
      model.extras.set(EXTRA.metadataBuffers, this.m.metadata_buffer.map(bytesOf));
    if (this.m.operator_codes !== undefined) model.extras.set(EXTRA.operatorCodes, this.m.operator_codes);
    if (this.m.external_buffer_groups !== undefined)
      model.extras.set(EXTRA.externalBufferGroups, this.m.external_buffer_groups);
    if (this.m.external_buffers !== undefined) model.extras.set(EXTRA.externalBuffers, this.m.external_buffers);
    if (this.m.signature_defs !== undefined) {
      const sigs: TfliteSignature[] = this.m.signature_defs.map((sd) => {
        const values = valuesBySubgraph[sd.subgraph_index]!;
        const map = (list: typeof sd.inputs) =>
          (list ?? []).map((tm) => ({ name: tm.name ?? '', value: values[tm.tensor_index]!.name }));
        return {
          key: sd.signature_key ?? '',
          subgraphIndex: sd.subgraph_index,
          inputs: map(sd.inputs),
          outputs: map(sd.outputs),
        };
      });
      model.extras.set(EXTRA.signatures, sigs);
    }
  }

  private irType(t: TensorT): { dtype: DataType | undefined; shape: Dim[] } {
    const dtype = TENSOR_TYPE_TO_DTYPE[t.type];
    const shape = t.shape ?? [];
    const sig = t.shape_signature;
    const dims: Dim[] =
      sig !== undefined && sig.length === shape.length ? sig.map((d, i) => (d < 0 ? null : shape[i]!)) : [...shape];
    return { dtype, shape: dims };
  }

  /** Constant data of a tensor with a non-empty buffer. */
  private constant(
    t: TensorT,
    data: Uint8Array,
    field: string,
    name: string,
  ): { tensor: Tensor; unpacked?: boolean; sparse?: boolean } {
    const dtype = TENSOR_TYPE_TO_DTYPE[t.type];
    const shape = t.shape ?? [];
    if (dtype === undefined) {
      throw new UnsupportedError(`constant ${tensorTypeName(t.type)} tensors are not supported`, {
        code: 'tflite/unsupported-constant',
        ...this.where(`${field}.type`, name),
      });
    }
    if (dtype === 'string') {
      const items = parseStringBuffer(data, elementCount(shape));
      if (typeof items === 'string')
        throw new FormatError(items, { code: 'tflite/bad-string-buffer', ...this.where(`${field}.buffer`, name) });
      return { tensor: new StringTensor(shape, items) };
    }
    const bits = TENSOR_TYPE_BITS[t.type]!;
    if (t.sparsity !== undefined) {
      if (bits < 8)
        throw new UnsupportedError('sparse sub-byte tensors are not supported', {
          code: 'tflite/unsupported-sparse',
          ...this.where(`${field}.sparsity`, name),
        });
      const sparsity = t.sparsity;
      const tensor = new LazyTensor(dtype, shape, () => densify(data, bits / 8, shape, sparsity));
      return { tensor, sparse: true };
    }
    if (bits < 8 && data.length !== byteLengthOf(dtype, elementCount(shape))) {
      return { tensor: tensorFromBytes(dtype, shape, packUnpacked(data, bits)), unpacked: true };
    }
    return { tensor: tensorFromBytes(dtype, shape, data) };
  }

  private subgraph(sg: SubGraphT, s: number, graph: Graph, model: Model): Value[] {
    const tensors = sg.tensors ?? [];
    const buffers = this.m.buffers ?? [];
    const ops = sg.operators ?? [];
    const produced = new Set<number>();
    for (const op of ops) for (const ti of op.outputs ?? []) produced.add(ti);
    const inputs = new Set(sg.inputs ?? []);
    // Tensors only ever named as op intermediates stay out of the IR data flow.
    const flowing = new Set<number>([...inputs, ...(sg.outputs ?? []), ...produced]);
    for (const op of ops) for (const ti of op.inputs ?? []) flowing.add(ti);
    for (const sd of this.m.signature_defs ?? []) {
      if (sd.subgraph_index === s)
        for (const tm of [...(sd.inputs ?? []), ...(sd.outputs ?? [])]) flowing.add(tm.tensor_index);
    }
    const scratchOnly = new Set<number>();
    for (const op of ops) for (const ti of op.intermediates ?? []) if (!flowing.has(ti)) scratchOnly.add(ti);
    const values: Value[] = new Array(tensors.length);
    const names: string[] = tensors.map((t) => t.name ?? '');
    const taken = new Set<string>();
    const irName = (i: number): string => {
      let base = names[i]! === '' ? `tensor_${i}` : names[i]!;
      if (taken.has(base)) base = `${base}__${i}`;
      while (taken.has(base)) base = `${base}_`;
      taken.add(base);
      return base;
    };
    const assigned = tensors.map((_, i) => irName(i));

    const decorate = (v: Value, t: TensorT, i: number): void => {
      const field = `subgraphs[${s}].tensors[${i}]`;
      const { dtype, shape } = this.irType(t);
      v.type =
        dtype === undefined
          ? { kind: 'opaque', domain: TFLITE_DOMAIN, name: tensorTypeName(t.type) ?? String(t.type) }
          : tensorType(dtype, shape);
      if (dtype !== undefined) {
        const q = quantFromTflite(t.quantization, dtype, this.where(`${field}.quantization`, assigned[i]!));
        if (q !== undefined) v.quant = q;
      }
      if (quantNeedsExtra(t.quantization)) v.extras.set(QUANT_EXTRA, t.quantization);
      v.extras.set(EXTRA.index, i);
      v.extras.set(EXTRA.shape, t.shape ?? []);
      if (assigned[i] !== names[i]) v.extras.set(EXTRA.name, { original: names[i], assigned: assigned[i] });
      if (t.shape_signature !== undefined) v.extras.set(EXTRA.shapeSignature, t.shape_signature);
      if (t.has_rank) v.extras.set(EXTRA.hasRank, true);
      if (t.is_variable) v.extras.set(EXTRA.isVariable, true);
      if (dtype === undefined) v.extras.set(EXTRA.tensorType, t.type);
      if (t.variant_tensors !== undefined) v.extras.set(EXTRA.variantTensors, t.variant_tensors);
      if (t.external_buffer !== 0) v.extras.set(EXTRA.externalBuffer, t.external_buffer);
    };

    // Graph inputs first, then constants and TFLite-allocated tensors (state, intermediates).
    for (const ti of sg.inputs ?? []) {
      values[ti] = graph.addInput(assigned[ti]!);
    }
    tensors.forEach((t, i) => {
      if (produced.has(i) || scratchOnly.has(i)) return;
      const data = bufferBytes(buffers[t.buffer]!, this.file);
      const field = `subgraphs[${s}].tensors[${i}]`;
      if (data.length > 0) {
        const c = this.constant(t, data, field, assigned[i]!);
        const v = graph.addInitializer(assigned[i]!, c.tensor);
        if (c.unpacked) v.extras.set(EXTRA.unpacked, true);
        if (c.sparse) v.extras.set(EXTRA.sparse, { tensor: c.tensor, sparsity: t.sparsity, stored: data });
        values[i] = v;
      } else if (!inputs.has(i)) {
        // TFLite allocates these itself; the IR sees zeros (their initial value), read lazily so
        // that a huge declared shape costs nothing unless someone asks for the data.
        const { dtype } = this.irType(t);
        const shape = t.shape ?? [];
        const lazyDtype: DataType = dtype === undefined || dtype === 'string' ? 'uint8' : dtype;
        const zeros = new LazyTensor(
          lazyDtype,
          shape,
          () => new Uint8Array(byteLengthOf(lazyDtype, elementCount(shape))),
        );
        const v = graph.addInitializer(assigned[i]!, zeros);
        v.extras.set(EXTRA.bufferless, zeros);
        values[i] = v;
      }
    });

    ops.forEach((op) => this.operator(op, graph, values, assigned, model));
    // Intermediates are resolved once every tensor has its Value.
    graph.nodes.forEach((node, k) => {
      const list = ops[k]!.intermediates;
      if (list === undefined) return;
      const entries: TfliteIntermediate[] = list.map((ti) =>
        scratchOnly.has(ti) ? { index: ti, tensor: tensors[ti]! } : { index: ti, value: values[ti]!.name },
      );
      node.extras.set(EXTRA.intermediates, entries);
    });

    tensors.forEach((t, i) => {
      if (!scratchOnly.has(i)) decorate(values[i]!, t, i);
    });
    graph.setOutputs((sg.outputs ?? []).map((ti) => values[ti]!));
    return values;
  }

  private operator(op: OperatorT, graph: Graph, values: Value[], assigned: string[], model: Model): void {
    const opcode = this.m.operator_codes![op.opcode_index]!;
    const code = builtinCodeOf(opcode);
    const attributes: Record<string, Attr> = {};
    let domain = TFLITE_DOMAIN;
    let opType = builtinOperatorName(code)!;
    if (code === BuiltinOperator.CUSTOM) {
      domain = TFLITE_CUSTOM_DOMAIN;
      opType = opcode.custom_code!;
      model.opsetImports.set(TFLITE_CUSTOM_DOMAIN, 1);
    }
    let customOptions = op.custom_options;
    if (op.large_custom_options_offset > 1) {
      customOptions = this.file.subarray(
        op.large_custom_options_offset,
        op.large_custom_options_offset + op.large_custom_options_size,
      );
    }
    if (customOptions !== undefined)
      attributes['custom_options'] = attr.tensor(tensorFromBytes('uint8', [customOptions.length], customOptions));
    const raw: Record<string, unknown> = {};
    const optionsKinds: { union: 'builtin_options' | 'builtin_options_2'; table: string }[] = [];
    for (const slot of ['builtin_options', 'builtin_options_2'] as const) {
      const opts = op[slot];
      if (opts === undefined) continue;
      optionsKinds.push({ union: slot, table: opts.type });
      if (optionsAreAttributes(opts.type))
        Object.assign(attributes, optionsToAttributes(opts.type, opts.value as Record<string, unknown>));
      else raw[slot] = opts;
    }
    const node = graph.addNode({
      opType,
      domain,
      inputs: (op.inputs ?? []).map((ti) => (ti === -1 ? null : values[ti]!)),
      outputs: (op.outputs ?? []).map((ti) => assigned[ti]!),
      attributes,
    });
    (op.outputs ?? []).forEach((ti, j) => {
      values[ti] = node.outputs[j]!;
    });
    node.extras.set(EXTRA.version, opcode.version);
    node.extras.set(EXTRA.options, optionsKinds);
    if (Object.keys(raw).length > 0) node.extras.set(EXTRA.rawOptions, raw);
    if (op.mutating_variable_inputs !== undefined)
      node.extras.set(EXTRA.mutatingVariableInputs, op.mutating_variable_inputs);
    if (op.custom_options_format !== 0) node.extras.set(EXTRA.customOptionsFormat, op.custom_options_format);
    if (op.debug_metadata_index !== -1) node.extras.set(EXTRA.debugMetadataIndex, op.debug_metadata_index);
  }
}

/** IR model of a decoded, verified TFLite model whose buffers live in `file`. */
export function tfliteToIr(model: ModelT, file: Uint8Array, options: ToIrOptions = {}): Model {
  return new Importer(model, file, options.file).run();
}
