// IR -> TFLite model object (ready for encodeModel). Writes nodes of the `tflite` and
// `tflite.custom` domains; anything else must be lowered to TFLite ops first. Tensor order,
// operator-code order, options, versions and TFLite-only tensor fields come back from the extras
// the reader left, so a model read and written unchanged runs bit-exactly like the original.
import { int32Overflow } from '@enxuto/transforms';
import { UnsupportedError, type Graph, type Model, type Node, type Tensor, type Value } from '@enxuto/ir';
import { EXTRA, TFLITE_CUSTOM_DOMAIN, TFLITE_DOMAIN, TFLITE_SUBGRAPH_DOMAIN } from './extras.js';
import { attributesToOptions, defaultOptionsFor } from './ops/options.js';
import { QUANT_EXTRA, quantToTflite } from './quantization.js';
import { builtinCodeOf, tensorTypeOf, TENSOR_TYPE_BITS } from './schema/enums.js';
import {
  BuiltinOperator,
  type BufferT,
  type MetadataT,
  type ModelT,
  type OperatorCodeT,
  type OperatorT,
  type QuantizationParametersT,
  type SignatureDefT,
  type SparsityParametersT,
  type SubGraphT,
  type TensorT,
} from './schema/schema.generated.js';
import { SCHEMA_VERSION } from './schema/verify.js';
import { serializeStrings, unpackToBytes } from './tensor-data.js';
import type { TfliteIntermediate, TfliteSignature } from './to-ir.js';

type OptionsKind = { union: 'builtin_options' | 'builtin_options_2'; table: string };

const OPERATOR_CODES = BuiltinOperator as Readonly<Record<string, number>>;

function unsupported(message: string, where: { node?: string; value?: string; field?: string }): never {
  throw new UnsupportedError(message, { code: 'tflite/unwritable', ...where });
}

class Exporter {
  private readonly buffers: BufferT[] = [{ offset: 0, size: 0 }];
  private readonly bufferOf = new Map<Tensor | Uint8Array, number>();
  private readonly opcodes: OperatorCodeT[] = [];
  private readonly opcodeIndex = new Map<string, number>();
  private readonly tensorIndexBySubgraph: { graph: Graph; index: Map<Value, number> }[] = [];

  constructor(private readonly model: Model) {
    const original = model.extras.get(EXTRA.operatorCodes) as OperatorCodeT[] | undefined;
    for (const oc of original ?? []) this.opcodeFor(builtinCodeOf(oc), oc.custom_code, oc.version);
  }

  private opcodeFor(code: number, custom: string | undefined, version: number): number {
    const key = `${code}|${custom ?? ''}|${version}`;
    let i = this.opcodeIndex.get(key);
    if (i === undefined) {
      i = this.opcodes.length;
      const oc: OperatorCodeT = {
        deprecated_builtin_code: Math.min(code, BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES),
        builtin_code: code,
        version,
      };
      if (custom !== undefined) oc.custom_code = custom;
      this.opcodes.push(oc);
      this.opcodeIndex.set(key, i);
    }
    return i;
  }

  private addBuffer(key: Tensor | Uint8Array, data: Uint8Array): number {
    const known = this.bufferOf.get(key);
    if (known !== undefined) return known;
    this.buffers.push({ data, offset: 0, size: 0 });
    this.bufferOf.set(key, this.buffers.length - 1);
    return this.buffers.length - 1;
  }

  run(): ModelT {
    const graphs: Graph[] = [this.model.graph];
    const fns = this.model.functions
      .filter((f) => f.domain === TFLITE_SUBGRAPH_DOMAIN)
      .map((f, i) => ({
        f,
        order: (f.extras.get(EXTRA.subgraphIndex) as number | undefined) ?? Number.MAX_SAFE_INTEGER,
        i,
      }))
      .sort((a, b) => a.order - b.order || a.i - b.i);
    graphs.push(...fns.map((x) => x.f.body));
    const subgraphs = graphs.map((g) => this.subgraph(g));
    const out: ModelT = {
      version: SCHEMA_VERSION,
      operator_codes: this.opcodes,
      subgraphs,
      buffers: this.buffers,
    };
    if (this.model.docString !== '') out.description = this.model.docString;
    const signatures = this.signatures();
    if (signatures.length > 0) out.signature_defs = signatures;
    const metadata = this.model.extras.get(EXTRA.metadata) as { name: string; bytes: Uint8Array }[] | undefined;
    if (metadata !== undefined) {
      out.metadata = metadata.map((md): MetadataT => ({ name: md.name, buffer: this.addBuffer(md.bytes, md.bytes) }));
    }
    const metadataBuffers = this.model.extras.get(EXTRA.metadataBuffers) as Uint8Array[] | undefined;
    if (metadataBuffers !== undefined) out.metadata_buffer = metadataBuffers.map((b) => this.addBuffer(b, b));
    const groups = this.model.extras.get(EXTRA.externalBufferGroups);
    if (groups !== undefined) out.external_buffer_groups = groups as ModelT['external_buffer_groups'];
    const externals = this.model.extras.get(EXTRA.externalBuffers);
    if (externals !== undefined) out.external_buffers = externals as ModelT['external_buffers'];
    return out;
  }

  private signatures(): SignatureDefT[] {
    const sigs = (this.model.extras.get(EXTRA.signatures) as TfliteSignature[] | undefined) ?? [];
    return sigs.map((sig) => {
      const sg = this.tensorIndexBySubgraph[sig.subgraphIndex];
      // Entries whose value a pass removed are dropped: a signature cannot name a missing tensor.
      const lookup = (name: string): number | undefined => {
        const v = sg?.graph.value(name);
        return v === undefined ? undefined : sg!.index.get(v);
      };
      const map = (list: TfliteSignature['inputs']) =>
        list
          .filter((e) => lookup(e.value) !== undefined)
          .map((e) => ({ name: e.name, tensor_index: lookup(e.value)! }));
      return {
        signature_key: sig.key,
        subgraph_index: sig.subgraphIndex,
        inputs: map(sig.inputs),
        outputs: map(sig.outputs),
      };
    });
  }

  /**
   * What becomes the tensor list of `g`: its values plus the raw intermediate tensors of its ops,
   * in the original tensor order where known, new values after them in definition order.
   */
  private tensorSlots(g: Graph): ({ value: Value } | { raw: TensorT; node: Node; slot: number })[] {
    const slots: { key: number; order: number; slot: { value: Value } | { raw: TensorT; node: Node; slot: number } }[] =
      [];
    for (const v of g.values()) {
      slots.push({
        key: (v.extras.get(EXTRA.index) as number | undefined) ?? Number.MAX_SAFE_INTEGER,
        order: slots.length,
        slot: { value: v },
      });
    }
    for (const n of g.nodes) {
      ((n.extras.get(EXTRA.intermediates) as TfliteIntermediate[] | undefined) ?? []).forEach((e, j) => {
        if ('tensor' in e) slots.push({ key: e.index, order: slots.length, slot: { raw: e.tensor, node: n, slot: j } });
      });
    }
    return slots.sort((a, b) => a.key - b.key || a.order - b.order).map((s) => s.slot);
  }

  private tensor(v: Value): TensorT {
    const nameExtra = v.extras.get(EXTRA.name) as { original: string; assigned: string } | undefined;
    const name = nameExtra !== undefined && nameExtra.assigned === v.name ? nameExtra.original : v.name;
    const dtype = v.dtype;
    let type: number | undefined;
    if (dtype !== undefined) type = tensorTypeOf(dtype);
    else type = v.extras.get(EXTRA.tensorType) as number | undefined;
    if (type === undefined)
      unsupported(`value type ${dtype ?? 'unknown'} has no TFLite tensor type`, { value: v.name, field: 'dtype' });

    const dims = v.const !== undefined ? [...v.const.shape] : (v.shape ?? []);
    const original = v.extras.get(EXTRA.shape) as number[] | undefined;
    const sameRank = original !== undefined && original.length === dims.length;
    const agrees = sameRank && dims.every((d, i) => typeof d !== 'number' || d === original[i]);
    const shape = agrees ? original : dims.map((d) => (typeof d === 'number' ? d : 1));
    const wide = int32Overflow(shape);
    if (wide >= 0)
      throw new UnsupportedError(`dim ${wide} of ${v.name} is ${shape[wide]}: TFLite shapes are int32`, {
        code: 'tflite/int32-overflow',
        value: v.name,
        field: `shape[${wide}]`,
      });
    const t: TensorT = {
      name,
      type,
      buffer: 0,
      shape,
      is_variable: v.extras.get(EXTRA.isVariable) === true,
      has_rank: true,
      external_buffer: 0,
    };
    const sig = v.extras.get(EXTRA.shapeSignature) as number[] | undefined;
    if (sig !== undefined && agrees && sig.length === dims.length) t.shape_signature = sig;
    else if (dims.some((d) => typeof d !== 'number'))
      t.shape_signature = dims.map((d) => (typeof d === 'number' ? d : -1));
    if (v.extras.has(EXTRA.hasRank) || v.extras.has(EXTRA.index)) t.has_rank = v.extras.get(EXTRA.hasRank) === true;

    const q = quantToTflite(v.quant, v.extras.get(QUANT_EXTRA) as QuantizationParametersT | undefined, shape.length);
    if (q !== undefined) t.quantization = q;
    const variants = v.extras.get(EXTRA.variantTensors);
    if (variants !== undefined) t.variant_tensors = variants as TensorT['variant_tensors'];
    const ext = v.extras.get(EXTRA.externalBuffer);
    if (typeof ext === 'number') t.external_buffer = ext;

    const c = v.const;
    if (c !== undefined && v.extras.get(EXTRA.bufferless) !== c) {
      const sparse = v.extras.get(EXTRA.sparse) as
        | { tensor: Tensor; sparsity: SparsityParametersT; stored: Uint8Array }
        | undefined;
      if (sparse !== undefined && sparse.tensor === c) {
        t.buffer = this.addBuffer(c, sparse.stored);
        t.sparsity = sparse.sparsity;
      } else if (c.dtype === 'string') {
        t.buffer = this.addBuffer(c, serializeStrings(c.strings()));
      } else if (v.extras.get(EXTRA.unpacked) === true && TENSOR_TYPE_BITS[type]! < 8) {
        t.buffer = this.addBuffer(c, unpackToBytes(c));
      } else if (c.size > 0) {
        t.buffer = this.addBuffer(c, c.bytes());
      }
    }
    return t;
  }

  private subgraph(g: Graph): SubGraphT {
    const slots = this.tensorSlots(g);
    const index = new Map<Value, number>();
    const rawIndex = new Map<Node, Map<number, number>>();
    const tensors = slots.map((s, i): TensorT => {
      if ('value' in s) {
        index.set(s.value, i);
        return this.tensor(s.value);
      }
      if (!rawIndex.has(s.node)) rawIndex.set(s.node, new Map());
      rawIndex.get(s.node)!.set(s.slot, i);
      return { ...s.raw, buffer: 0 };
    });
    this.tensorIndexBySubgraph.push({ graph: g, index });
    const indexOf = (v: Value, where: { node?: string; field: string }): number => {
      const i = index.get(v);
      if (i === undefined)
        unsupported(`value ${v.name} is not a tensor of subgraph ${g.name}`, { ...where, value: v.name });
      return i;
    };
    const intermediateIndex = (n: Node, e: TfliteIntermediate, j: number): number => {
      if ('tensor' in e) return rawIndex.get(n)!.get(j)!;
      const v = g.value(e.value);
      if (v === undefined)
        unsupported(`intermediate ${e.value} is no longer in the graph`, {
          node: n.label(),
          field: `intermediates[${j}]`,
          value: e.value,
        });
      return indexOf(v, { node: n.label(), field: `intermediates[${j}]` });
    };
    const operators = [...g].map((n) => this.operator(n, indexOf, intermediateIndex));
    const sg: SubGraphT = {
      tensors,
      inputs: g.inputs.map((v, i) => indexOf(v, { field: `inputs[${i}]` })),
      outputs: g.outputs.map((v, i) => indexOf(v, { field: `outputs[${i}]` })),
      operators,
      debug_metadata_index: (g.extras.get(EXTRA.debugMetadataIndex) as number | undefined) ?? -1,
    };
    if (g.name !== '') sg.name = g.name;
    return sg;
  }

  private operator(
    n: Node,
    indexOf: (v: Value, where: { node?: string; field: string }) => number,
    intermediateIndex: (n: Node, e: TfliteIntermediate, j: number) => number,
  ): OperatorT {
    const label = n.label();
    let code: number;
    let custom: string | undefined;
    if (n.domain === TFLITE_DOMAIN) {
      const c = OPERATOR_CODES[n.opType];
      if (c === undefined || n.opType === 'CUSTOM')
        unsupported(`${n.opType} is not a TFLite builtin operator`, { node: label, field: 'opType' });
      code = c;
    } else if (n.domain === TFLITE_CUSTOM_DOMAIN) {
      code = BuiltinOperator.CUSTOM;
      custom = n.opType;
    } else {
      unsupported(
        `node of domain '${n.domain || 'ai.onnx'}' (${n.opType}) has no TFLite form; lower it to the tflite domain first`,
        { node: label, field: 'domain' },
      );
    }
    const version = (n.extras.get(EXTRA.version) as number | undefined) ?? 1;
    const op: OperatorT = {
      opcode_index: this.opcodeFor(code, custom, version),
      inputs: n.inputs.map((v, i) => (v === null ? -1 : indexOf(v, { node: label, field: `inputs[${i}]` }))),
      outputs: n.outputs.map((v, i) => {
        if (v === null) unsupported('TFLite ops cannot leave an output out', { node: label, field: `outputs[${i}]` });
        return indexOf(v, { node: label, field: `outputs[${i}]` });
      }),
      custom_options_format: (n.extras.get(EXTRA.customOptionsFormat) as number | undefined) ?? 0,
      large_custom_options_offset: 0,
      large_custom_options_size: 0,
      debug_metadata_index: (n.extras.get(EXTRA.debugMetadataIndex) as number | undefined) ?? -1,
    };
    const customOptions = n.attr('custom_options');
    if (customOptions !== undefined && customOptions.type === 'tensor') op.custom_options = customOptions.value.bytes();

    const raw = (n.extras.get(EXTRA.rawOptions) as Record<string, unknown> | undefined) ?? {};
    let kinds = n.extras.get(EXTRA.options) as OptionsKind[] | undefined;
    if (kinds === undefined) {
      const hasAttrs = [...n.attributes.keys()].some((k) => k !== 'custom_options');
      const d = code === BuiltinOperator.CUSTOM ? undefined : defaultOptionsFor(n.opType);
      if (hasAttrs && d === undefined)
        unsupported(`${n.opType} takes no options, but the node has attributes`, { node: label, field: 'attributes' });
      kinds = hasAttrs && d !== undefined ? [d] : [];
    }
    for (const kind of kinds) {
      const value = raw[kind.union] ?? { type: kind.table, value: attributesToOptions(kind.table, n) };
      (op as unknown as Record<string, unknown>)[kind.union] = value;
    }
    const intermediates = n.extras.get(EXTRA.intermediates) as TfliteIntermediate[] | undefined;
    if (intermediates !== undefined) op.intermediates = intermediates.map((e, j) => intermediateIndex(n, e, j));
    const mutating = n.extras.get(EXTRA.mutatingVariableInputs) as boolean[] | undefined;
    if (mutating !== undefined && mutating.length === n.inputs.length) op.mutating_variable_inputs = mutating;
    return op;
  }
}

/** The TFLite model object for an IR model (encode it with encodeModel). */
export function irToTflite(model: Model): ModelT {
  return new Exporter(model).run();
}
