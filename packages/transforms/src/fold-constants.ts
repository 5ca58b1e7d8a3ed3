// Constant folding: nodes whose inputs are all constants (and Shape of a value whose shape is fully
// static) are computed now and become initializers.
import type { Graph, Model, Node, Tensor, Value } from '@enxuto/ir';
import { constOf, dropUnusedInitializers, int64Tensor } from '@enxuto/ir';
import { evaluateOp, MAX_FOLDED_ELEMENTS } from './kernels/evaluate-op.js';
import { staticShapeRead } from './shape-reads.js';

export { MAX_FOLDED_ELEMENTS };

export interface FoldConstantsOptions {
  /** Largest folded tensor (elements); bigger results stay as nodes so files do not grow. */
  maxElements?: number;
}

export interface FoldConstantsStats {
  folded: number;
  removedInitializers: number;
}

/** Shape(x) when x's shape is known and every dimension is a number. */
function staticShapeOf(node: Node): Tensor | undefined {
  const x = node.input(0);
  const shape = x?.shape;
  if (!shape?.every((d): d is number => typeof d === 'number' && d >= 0)) return undefined;
  const rank = shape.length;
  const clamp = (a: number) => Math.min(Math.max(a < 0 ? a + rank : a, 0), rank);
  const dims = shape.slice(clamp(node.getInt('start', 0)), clamp(node.getInt('end', rank)));
  return int64Tensor([dims.length], dims);
}

function evaluate(node: Node): Tensor | undefined {
  if (node.opType === 'Shape') return staticShapeOf(node);
  const shapeRead = staticShapeRead(node);
  if (shapeRead) return shapeRead;
  const inputs: (Tensor | undefined)[] = node.inputs.map((v) => (v ? constOf(v) : undefined));
  if (node.inputs.some((v, i) => v && !inputs[i])) return undefined;
  try {
    return evaluateOp(node, inputs);
  } catch {
    // A kernel refusing odd data (bad index, mismatched shapes) leaves the node for the runtime.
    return undefined;
  }
}

function foldNode(g: Graph, node: Node, maxElements: number, touched: Value[]): boolean {
  if (node.domain !== '' || node.outputs.length !== 1 || node.subgraphs().length > 0) return false;
  const out = node.outputs[0];
  // A graph output keeps its producer: some runtimes reject outputs that are initializers.
  if (!out || out.isGraphOutput()) return false;
  const result = evaluate(node);
  if (!result || result.size > maxElements) return false;
  const name = out.name;
  const type = out.type;
  touched.push(...node.inputs.filter((v): v is Value => v !== null));
  const v = g.addInitializer(g.uniqueName(`${name}_folded`), result);
  g.replaceAllUsesWith(out, v);
  g.remove(node);
  g.rename(v, name);
  if (type?.kind === 'tensor' && type.dtype === result.dtype)
    v.type = { kind: 'tensor', dtype: result.dtype, shape: [...result.shape] };
  return true;
}

/** Folds constant subgraphs of the main graph in place. */
export function foldConstants(model: Model, options: FoldConstantsOptions = {}): FoldConstantsStats {
  const maxElements = Math.min(options.maxElements ?? 1 << 20, MAX_FOLDED_ELEMENTS);
  const g = model.graph;
  let folded = 0;
  const touched: Value[] = [];
  for (const node of [...g.topologicalOrder()]) {
    if (!node.isRemoved() && foldNode(g, node, maxElements, touched)) folded++;
  }
  // Only constants the folding itself left unread; other unused ones are eliminateDeadCode's job.
  const removedInitializers = dropUnusedInitializers(g, touched);
  return { folded, removedInitializers };
}
