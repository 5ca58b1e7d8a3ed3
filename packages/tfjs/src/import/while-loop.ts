// One TF1 while loop (a frame of Enter/Merge/Switch/LoopCond/NextIteration/Exit nodes) -> ONNX Loop.
// Each Merge is a loop-carried value. The condition nodes run once before the loop on the entering
// values (the Loop's initial condition) and again in the body on the next values (its cond_out);
// the body nodes read the carried values where TF reads Switch:1. A TensorList of unknown element
// shape written at the iteration index (tf.map_fn's output) becomes a scan output.
import { attr, Graph, tensorType, type DataType, type Value } from '@enxuto/ir';
import { attrRunType, type TfNode } from '../graphdef.js';
import { formatError } from '../json.js';
import type { ImportContext } from './context.js';
import { type Frame, type GraphAnalysis, nodeNameOf } from './frames.js';
import { pendingListOf } from './ops-tensor-list.js';

export interface ScopeImporter {
  analysis: GraphAnalysis;
  /** Imports nodes (in dependency order, loops as units) into ctx; `level` is the frame they run in. */
  importScope(ctx: ImportContext, nodes: readonly TfNode[], level: Frame | undefined): void;
}

interface LoopVar {
  merge: TfNode;
  enter: TfNode;
  next: TfNode;
  switchNode: TfNode | undefined;
  exits: TfNode[];
}

function producer(a: GraphAnalysis, ref: string): TfNode {
  return a.byName.get(nodeNameOf(ref))!;
}

export function importWhileLoop(ctx: ImportContext, frame: Frame, members: TfNode[], s: ScopeImporter): void {
  const a = s.analysis;
  const direct = members.filter((n) => a.frameOf.get(n) === frame);
  const where = { ...ctx.where, node: `${frame.name} (while loop)` };
  const loopConds = direct.filter((n) => n.op === 'LoopCond');
  if (loopConds.length !== 1)
    throw formatError(`while loop has ${loopConds.length} LoopCond nodes`, 'tfjs/bad-control-flow', where, 'op');
  const loopCond = loopConds[0]!;
  const vars: LoopVar[] = direct
    .filter((n) => n.op === 'Merge')
    .map((merge) => {
      const ins = merge.inputs.map((r) => producer(a, r));
      const enter = ins.find((p) => p.op === 'Enter');
      const next = ins.find((p) => p.op === 'NextIteration');
      if (!enter || !next || ins.length !== 2)
        throw formatError(
          'a loop Merge must join one Enter and one NextIteration',
          'tfjs/bad-control-flow',
          merge.where,
          'input',
        );
      const switchNode = direct.find((n) => n.op === 'Switch' && producer(a, n.inputs[0]!) === merge);
      const exits = members.filter((n) => n.op === 'Exit' && switchNode && producer(a, n.inputs[0]!) === switchNode);
      return { merge, enter, next, switchNode, exits };
    });
  const special = new Set<TfNode>([loopCond, ...vars.flatMap((v) => [v.merge, v.next, ...v.exits])]);
  for (const v of vars) if (v.switchNode) special.add(v.switchNode);
  const enters = direct.filter((n) => n.op === 'Enter');
  for (const e of enters) special.add(e);
  const condNodes = condRegion(a, loopCond, new Set(vars.map((v) => v.merge)), members);
  const outer = (e: TfNode) => ctx.resolve(e.inputs[0]!, e);
  const inits = vars.map((v) => outer(v.enter));
  const scans = vars.map((v, i) => scanWrite(ctx, a, v, vars, inits[i]!));
  // A scanned list's writes become the scan output; the write nodes themselves are not imported.
  for (const sc of scans) if (sc) special.add(sc.write);
  const body = members.filter((n) => !special.has(n) && !condNodes.includes(n));
  const carried = vars.filter((_, i) => !scans[i]);

  // The condition on the entering values.
  const pre = ctx.child(ctx.g);
  bindInvariants(pre, enters, outer);
  vars.forEach((v, i) => pre.define(v.merge.name, [inits[i]!]));
  s.importScope(pre, condNodes, frame);
  const condInit = pre.cast(pre.resolve(loopCond.inputs[0]!, loopCond), 'bool', `${frame.name}/cond_init`);

  const loop = ctx.g.addNode({
    opType: 'Loop',
    name: ctx.nodeName(`${frame.name}/Loop`),
    inputs: [null, condInit, ...carried.map((v) => inits[vars.indexOf(v)]!)],
    outputs: [...carried, ...vars.filter((_, i) => scans[i])].map((v) => ctx.g.uniqueName(`${v.merge.name}/final`)),
  });
  const bodyGraph = new Graph(`${frame.name}/body`, { parent: loop });
  const b = ctx.child(bodyGraph);
  bodyGraph.addInput(bodyGraph.uniqueName(`${frame.name}/iteration`), tensorType('int64', []));
  bodyGraph.addInput(bodyGraph.uniqueName(`${frame.name}/cond_in`), tensorType('bool', []));
  bindInvariants(b, enters, outer);
  vars.forEach((v, i) => {
    const dtype = scans[i] ? undefined : loopVarType(v, inits[i]!);
    const value = scans[i]
      ? inits[i]!
      : bodyGraph.addInput(bodyGraph.uniqueName(`${v.merge.name}/in`), dtype ? tensorType(dtype) : undefined);
    b.define(v.merge.name, [value]);
    if (v.switchNode) b.define(v.switchNode.name, [value, value]);
  });
  s.importScope(b, [...condNodes, ...body], frame);
  const nexts = vars.map((v, i) =>
    scans[i] ? b.resolve(scans[i]!.item, v.next) : b.resolve(v.next.inputs[0]!, v.next),
  );

  // The condition on the next values.
  const post = ctx.child(bodyGraph);
  bindInvariants(post, enters, outer);
  vars.forEach((v, i) => post.define(v.merge.name, [scans[i] ? inits[i]! : nexts[i]!]));
  s.importScope(post, condNodes, frame);
  const condOut = post.cast(post.resolve(loopCond.inputs[0]!, loopCond), 'bool', `${frame.name}/cond_out`);

  const outs = [
    condOut,
    ...carried.map((v) => nexts[vars.indexOf(v)]!),
    ...vars.flatMap((_, i) => (scans[i] ? [nexts[i]!] : [])),
  ];
  bodyGraph.setOutputs(outs.map((v, i) => ownOutput(b, bodyGraph, v, outs.indexOf(v) !== i, frame)));
  loop.setAttr('body', attr.graph(bodyGraph));

  const finals = [...carried, ...vars.filter((_, i) => scans[i])];
  finals.forEach((v, k) => {
    const out = loop.outputs[k]!;
    const dtype = scans[vars.indexOf(v)] ? scans[vars.indexOf(v)]!.dtype : loopVarType(v, inits[vars.indexOf(v)]!);
    if (dtype) out.type = tensorType(dtype);
    for (const e of v.exits) ctx.define(e.name, [out]);
  });
}

/** Loop-invariant Enters (and any Enter not joined by a Merge) read the outer value directly. */
function bindInvariants(c: ImportContext, enters: TfNode[], outer: (e: TfNode) => Value): void {
  for (const e of enters) c.define(e.name, [outer(e)]);
}

/** The nodes of this loop the LoopCond depends on, back to the Merges. */
function condRegion(a: GraphAnalysis, loopCond: TfNode, merges: Set<TfNode>, members: TfNode[]): TfNode[] {
  const inLoop = new Set(members);
  const seen = new Set<TfNode>();
  const stack = [producer(a, loopCond.inputs[0]!)];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n) || merges.has(n) || !inLoop.has(n) || n.op === 'Enter') continue;
    seen.add(n);
    for (const r of n.inputs) stack.push(producer(a, r));
  }
  return members.filter((n) => seen.has(n));
}

/** The element type a loop variable carries: the entering value's, or the Merge's T attribute. */
function loopVarType(v: LoopVar, init: Value): DataType | undefined {
  return pendingListOf(init)?.dtype ?? init.dtype ?? attrRunType(v.merge, 'T');
}

interface ScanWrite {
  write: TfNode;
  /** TF name of the item written each iteration. */
  item: string;
  dtype: DataType;
}

/**
 * A list of unknown element shape that enters the loop empty and is written once per iteration at
 * the iteration index (a counter from 0 by 1): its final value is the Loop's scan output.
 */
function scanWrite(
  ctx: ImportContext,
  a: GraphAnalysis,
  v: LoopVar,
  vars: LoopVar[],
  init: Value,
): ScanWrite | undefined {
  const pending = pendingListOf(init);
  if (!pending) return undefined;
  const set = producer(a, v.next.inputs[0]!);
  const fail = (why: string) =>
    ctx.unsupported(
      set,
      `a TensorList of unknown element shape can only be written at the iteration index (${why})`,
      'input',
    );
  if (set.op !== 'TensorListSetItem' || producer(a, set.inputs[0]!) !== v.switchNode)
    throw fail('not a TensorListSetItem of the loop value');
  const counter = vars.find((c) => followsSwitch(a, producer(a, set.inputs[1]!), c));
  if (!counter || !isCounterFromZero(ctx, a, counter)) throw fail('the index is not a counter from 0 by 1');
  return { write: set, item: set.inputs[2]!, dtype: pending.dtype };
}

/** n is the loop value of c as the body reads it (its Switch:1, possibly through Identity nodes). */
function followsSwitch(a: GraphAnalysis, n: TfNode, c: LoopVar): boolean {
  let x: TfNode | undefined = n;
  while (x && x.op === 'Identity') x = producer(a, x.inputs[0]!);
  return x !== undefined && (x === c.switchNode || x === c.merge);
}

function isCounterFromZero(ctx: ImportContext, a: GraphAnalysis, c: LoopVar): boolean {
  const init = ctx.resolve(c.enter.inputs[0]!, c.enter).const;
  if (init?.size !== 1 || Number((init.values() as ArrayLike<number>)[0]) !== 0) return false;
  const add = producer(a, c.next.inputs[0]!);
  if (add.op !== 'AddV2' && add.op !== 'Add') return false;
  const [x, y] = add.inputs.map((r) => producer(a, r));
  const one = (t: TfNode | undefined) => {
    const k = t?.op === 'Const' ? ctx.lookup(t.name)?.[0]?.const : undefined;
    return k !== undefined && k.size === 1 && Number((k.values() as ArrayLike<number>)[0]) === 1;
  };
  return (followsSwitch(a, x!, c) && one(y)) || (followsSwitch(a, y!, c) && one(x));
}

/** A body output must be produced in the body and appear once: otherwise pass it through an Identity. */
function ownOutput(b: ImportContext, g: Graph, v: Value, repeated: boolean, frame: Frame): Value {
  if (!repeated && v.graph === g && !v.isGraphInput() && !v.isInitializer()) return v;
  const out = b.op('Identity', [v], {}, `${frame.name}/out`);
  if (v.type) out.type = v.type;
  return out;
}
