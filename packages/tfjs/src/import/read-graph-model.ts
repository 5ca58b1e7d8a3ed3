// A TF.js graph model (GraphDef JSON + decoded weights) -> IR, via the fixed op table.
import {
  EnxutoError,
  FormatError,
  Graph,
  Model,
  tensorFromValues,
  tensorType,
  type Tensor,
  UnsupportedError,
  type Value,
} from '@enxuto/ir';
import { GrowthBudget } from '@enxuto/io';
import type { WeightMap } from '../decode-weights.js';
import { foldTransposes, uniquifyNodeNames } from '../fold-transposes.js';
import { attrRunType, attrShape, attrTensorJson, parseTfNode, type TfNode } from '../graphdef.js';
import { analyzeGraph, type Frame, nodeNameOf, scopeUnits } from './frames.js';
import { importWhileLoop, type ScopeImporter } from './while-loop.js';
import { ImportContext } from './context.js';
import {
  asArray,
  asInt,
  asObject,
  asString,
  formatError,
  isObject,
  own,
  type JsonObject,
  type Where,
} from '../json.js';
import { TF_IMPORTERS } from './ops.js';
import { dtypeFromTfEnum, tfjsRunDtype } from '../dtypes.js';

/** Nodes a graph model may have (the largest converter outputs hold tens of thousands). */
export const MAX_GRAPH_NODES = 200_000;

/**
 * `budget` bounds what inline constants may build beyond the values they store (TensorProto
 * repeats its last value to fill the shape, so a few bytes can claim a huge tensor).
 */
export function importGraphModel(
  json: JsonObject,
  weights: WeightMap,
  where: Where,
  budget: GrowthBudget = new GrowthBudget(0),
): Model {
  const topo = asObject(own(json, 'modelTopology'), where, 'modelTopology');
  const nodesJson = asArray(own(topo, 'node'), where, 'modelTopology.node');
  if (nodesJson.length > MAX_GRAPH_NODES)
    throw formatError(`more than ${MAX_GRAPH_NODES} nodes`, 'tfjs/too-large', where, 'modelTopology.node');
  const lib = own(topo, 'library');
  if (isObject(lib) && Array.isArray(own(lib, 'function')) && (own(lib, 'function') as unknown[]).length > 0) {
    throw new UnsupportedError('graph models with functions (control flow) are not supported', {
      code: 'tfjs/unsupported-op',
      ...where,
      field: 'modelTopology.library.function',
    });
  }
  const nodes = nodesJson.map((j, i) => parseTfNode(j, i, where));
  const analysis = analyzeGraph(nodes, where);

  const g = new Graph('main');
  const ctx = new ImportContext(g, where);
  const scope: ScopeImporter = {
    analysis,
    importScope(c, members, level) {
      for (const unit of scopeUnits(analysis, members, level, where)) {
        if (unit.members.length === 1 && unit.key === unit.members[0]) importOne(c, unit.members[0]!, weights, budget);
        else importWhileLoop(c, unit.key as Frame, unit.members, scope);
      }
    },
  };
  scope.importScope(ctx, nodes, undefined);
  // Outputs keep the TF node names (an Identity output aliases its input, so it may need a node).
  g.setOutputs(
    graphOutputs(json, nodes, ctx, where).map(([tfName, v]) => {
      if (v.name === tfName) return v;
      if (v.producer() && !v.isGraphOutput() && !g.lookup(tfName)) {
        g.rename(v, tfName);
        return v;
      }
      const name = g.lookup(tfName) ? g.uniqueName(tfName) : tfName;
      return g.addNode({ opType: 'Identity', name: ctx.nodeName(tfName), inputs: [v], outputs: [name] }).output();
    }),
  );
  foldTransposes(g);
  uniquifyNodeNames(g);
  const model = new Model(g);
  model.producerName = 'enxuto (from tfjs graph model)';
  return model;
}

function importOne(ctx: ImportContext, n: TfNode, weights: WeightMap, budget: GrowthBudget): void {
  if (n.op === 'NoOp') return;
  try {
    importNode(ctx, n, weights, budget);
  } catch (e) {
    if (e instanceof EnxutoError) throw e.withLocation(n.where);
    throw new FormatError(`cannot translate ${n.op}: ${(e as Error).message}`, {
      code: 'tfjs/bad-node',
      ...n.where,
      cause: e,
    });
  }
}

function importNode(ctx: ImportContext, n: TfNode, weights: WeightMap, budget: GrowthBudget): void {
  const g = ctx.g;
  if (n.op === 'Placeholder' || n.op === 'PlaceholderWithDefault') {
    // TF.js feeds a uint8 image input as int32 (it has no uint8 tensors): so does the IR.
    const dtype = attrRunType(n, 'dtype') ?? 'float32';
    const shape = attrShape(n, 'shape');
    ctx.define(n.name, [g.addInput(n.name, tensorType(dtype, shape))]);
    return;
  }
  if (n.op === 'Const') {
    const t = weights.get(n.name) ?? inlineTensor(n, budget);
    if (!t)
      throw formatError(
        `Const '${n.name}' has no weight in the manifest`,
        'tfjs/missing-weight',
        n.where,
        'weightsManifest',
      );
    // A manifest dtype the node disagrees with would give a graph its runtime rejects.
    const declared = attrRunType(n, 'dtype');
    if (declared !== undefined && tfjsRunDtype(t.dtype) !== declared)
      throw formatError(
        `Const '${n.name}' is ${declared} but its weight is ${t.dtype}`,
        'tfjs/dtype-mismatch',
        n.where,
        'attr.dtype',
      );
    ctx.define(n.name, [g.addInitializer(n.name, t)]);
    return;
  }
  const importer = TF_IMPORTERS.get(n.op);
  if (!importer) {
    throw new UnsupportedError(`TF op ${n.op} is not supported`, {
      code: 'tfjs/unsupported-op',
      ...n.where,
      field: 'op',
    });
  }
  const before = g.nodes.length;
  const result = importer(ctx, n);
  const values = Array.isArray(result) ? result : [result];
  const created = new Set(g.nodes.slice(before));
  const first = values[0];
  if (first?.producer() && created.has(first.producer()!) && first.name !== n.name && !g.lookup(n.name)) {
    g.rename(first, n.name);
  }
  const t = n.op === 'Shape' || n.op === 'Cast' ? undefined : attrRunType(n, 'T');
  if (first && first.type === undefined && t && created.has(first.producer()!)) first.type = tensorType(t);
  ctx.define(n.name, values);
}

/** Small constants TF keeps inline: TensorProto JSON with int/float values (never large). */
function inlineTensor(n: TfNode, budget: GrowthBudget): Tensor | undefined {
  const tj = attrTensorJson(n, 'value');
  if (!tj) return undefined;
  const dtype = dtypeFromTfEnum(own(tj, 'dtype'));
  const shapeJson = own(tj, 'tensorShape');
  const dims = isObject(shapeJson) && Array.isArray(own(shapeJson, 'dim')) ? (own(shapeJson, 'dim') as unknown[]) : [];
  const shape = dims.map((d, i) =>
    asInt(isObject(d) ? (own(d, 'size') ?? 0) : d, n.where, `attr.value.tensor.tensorShape.dim[${i}]`),
  );
  if (shape.some((d) => d < 0))
    throw formatError('negative dimension', 'tfjs/bad-shape', n.where, 'attr.value.tensor.tensorShape');
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > 1 << 20) throw formatError('inline tensor too large', 'tfjs/too-large', n.where, 'attr.value.tensor');
  const key = dtype === 'float32' ? 'floatVal' : dtype === 'int32' ? 'intVal' : undefined;
  if (!dtype || !key)
    throw new UnsupportedError(`inline constant of ${dtype ?? 'unknown dtype'}`, {
      code: 'tfjs/unsupported-const',
      ...n.where,
      field: 'attr.value.tensor.dtype',
    });
  const vals = own(tj, key) === undefined ? [] : asArray(own(tj, key), n.where, `attr.value.tensor.${key}`);
  const nums = vals.map((v, i) => (dtype === 'int32' ? asInt(v, n.where, `${key}[${i}]`) : Number(v)));
  if (nums.some((x) => Number.isNaN(x) && dtype === 'int32'))
    throw formatError('bad value', 'tfjs/bad-field', n.where, key);
  // TensorProto repeats the last value to fill the shape (and an empty list means zeros): what is
  // filled beyond the stored values is growth, paid from the file's budget before allocating.
  if (size > nums.length) budget.take((size - nums.length) * 4, { ...n.where, field: 'attr.value.tensor' });
  const full = dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
  full.set(nums.slice(0, size));
  if (size > nums.length && nums.length > 0) full.fill(nums.at(-1)!, nums.length);
  return tensorFromValues(dtype, shape, full);
}

/** Signature outputs when given, else (as TF.js does) every non-constant node nothing reads. */
function graphOutputs(json: JsonObject, nodes: TfNode[], ctx: ImportContext, where: Where): [string, Value][] {
  const sig = own(json, 'signature');
  const sigOutputs = isObject(sig) ? own(sig, 'outputs') : undefined;
  if (isObject(sigOutputs) && Object.keys(sigOutputs).length > 0) {
    return Object.keys(sigOutputs).map((k) => {
      const entry = asObject(own(sigOutputs, k), where, `signature.outputs.${k}`);
      const name = asString(own(entry, 'name') ?? k, where, `signature.outputs.${k}.name`);
      const n = nodes.find((x) => x.name === nodeNameOf(name));
      if (!n)
        throw formatError(
          `signature output '${name}' names no node`,
          'tfjs/bad-signature',
          where,
          `signature.outputs.${k}`,
        );
      return [n.name, ctx.resolve(name, n)] as [string, Value];
    });
  }
  const read = new Set(nodes.flatMap((n) => n.inputs.map(nodeNameOf)));
  const leaves = nodes.filter(
    (n) => !read.has(n.name) && n.op !== 'Const' && n.op !== 'NoOp' && n.op !== 'Placeholder',
  );
  if (leaves.length === 0)
    throw formatError('the graph has no outputs', 'tfjs/no-outputs', where, 'modelTopology.node');
  return leaves.map((n) => [n.name, ctx.resolve(n.name, n)] as [string, Value]);
}
