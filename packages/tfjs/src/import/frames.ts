// TF1 while loops as GraphDef writes them: Enter opens a frame, Merge joins the entering value with
// the NextIteration one, LoopCond/Switch route a value to the body or to Exit. This finds each node's
// frame (the loop it runs in) and orders a scope's nodes so that a whole loop is one unit, placed
// after everything it reads: the only cycles (NextIteration -> Merge) stay inside their unit.
import { attrString, type TfNode } from '../graphdef.js';
import { formatError, type Where } from '../json.js';

export interface Frame {
  name: string;
  parent: Frame | undefined;
  depth: number;
}

export interface GraphAnalysis {
  byName: Map<string, TfNode>;
  /** The frame each node runs in (undefined: the top level). */
  frameOf: Map<TfNode, Frame | undefined>;
}

export const nodeNameOf = (ref: string): string => ref.replace(/(:[A-Za-z_]\w*)?:\d+$/, '');

/** A data input that closes a loop (Merge <- NextIteration): ignored when ordering. */
function isBackEdge(n: TfNode, producer: TfNode): boolean {
  return n.op === 'Merge' && producer.op === 'NextIteration';
}

export function analyzeGraph(nodes: readonly TfNode[], where: Where): GraphAnalysis {
  const byName = new Map<string, TfNode>();
  for (const n of nodes) {
    if (byName.has(n.name))
      throw formatError(`duplicate node name '${n.name}'`, 'tfjs/duplicate-node', { ...where, node: n.name }, 'name');
    byName.set(n.name, n);
  }
  const producers = (n: TfNode): TfNode[] =>
    n.inputs.map((ref) => {
      const p = byName.get(nodeNameOf(ref));
      if (!p) throw formatError(`input '${ref}' names no node`, 'tfjs/dangling-input', n.where, 'input');
      return p;
    });
  const order = sortUnits(
    nodes.map((n) => ({ key: n as unknown, members: [n] })),
    (n) => producers(n).filter((p) => !isBackEdge(n, p)),
    where,
  ).flatMap((u) => u.members);
  const frames = new Map<string, Frame>();
  const frameOf = new Map<TfNode, Frame | undefined>();
  for (const n of order) {
    const ins = producers(n)
      .filter((p) => !isBackEdge(n, p))
      .map((p) => frameOf.get(p));
    const deepest = ins.reduce<Frame | undefined>((a, f) => ((f?.depth ?? 0) > (a?.depth ?? 0) ? f : a), undefined);
    if (n.op === 'Enter') {
      const name = attrString(n, 'frame_name', '');
      let f = frames.get(name);
      if (!f) {
        f = { name, parent: deepest, depth: (deepest?.depth ?? 0) + 1 };
        frames.set(name, f);
      }
      frameOf.set(n, f);
    } else if (n.op === 'Exit') {
      if (!deepest) throw formatError('Exit outside any loop', 'tfjs/bad-control-flow', n.where, 'input');
      frameOf.set(n, deepest.parent);
    } else {
      frameOf.set(n, deepest);
    }
  }
  return { byName, frameOf };
}

/** The frame a node belongs to for ordering: an Exit counts as part of the loop it leaves. */
export function loopFrameOf(a: GraphAnalysis, n: TfNode): Frame | undefined {
  if (n.op !== 'Exit') return a.frameOf.get(n);
  return a.frameOf.get(a.byName.get(nodeNameOf(n.inputs[0]!))!);
}

/** Whether frame f is `level` or nested inside it. */
export function within(f: Frame | undefined, level: Frame | undefined): boolean {
  for (let x = f; ; x = x.parent) {
    if (x === level) return true;
    if (!x) return false;
  }
}

/** The child of `level` that contains f (undefined when f is `level` itself). */
function childOf(f: Frame | undefined, level: Frame | undefined): Frame | undefined {
  let x = f;
  while (x && x.parent !== level) x = x.parent;
  return x === level ? undefined : x;
}

export interface Unit {
  /** A node, or the loop frame whose nodes (and exits) form this unit. */
  key: unknown;
  members: TfNode[];
}

/**
 * Orders the nodes of one scope (the top level or a loop body at `level`): a node of this level is
 * its own unit, the nodes of a loop nested here (and the loop's exits) form one unit.
 */
export function scopeUnits(a: GraphAnalysis, nodes: readonly TfNode[], level: Frame | undefined, where: Where): Unit[] {
  const units = new Map<unknown, Unit>();
  const unitOf = new Map<TfNode, Unit>();
  for (const n of nodes) {
    const key = childOf(loopFrameOf(a, n), level) ?? n;
    let u = units.get(key);
    if (!u) {
      u = { key, members: [] };
      units.set(key, u);
    }
    u.members.push(n);
    unitOf.set(n, u);
  }
  return sortUnits(
    [...units.values()],
    (n) => {
      const ps: TfNode[] = [];
      for (const ref of n.inputs) {
        const p = a.byName.get(nodeNameOf(ref));
        if (p && unitOf.has(p) && !isBackEdge(n, p)) ps.push(p);
      }
      return ps;
    },
    where,
    unitOf,
  );
}

/** Kahn's algorithm over units (stable: ready units keep their first-seen order); a cycle is an error. */
function sortUnits(
  units: Unit[],
  depsOf: (n: TfNode) => TfNode[],
  where: Where,
  unitOf: Map<TfNode, Unit> = new Map(units.map((u) => [u.members[0]!, u])),
): Unit[] {
  const pending = new Map<Unit, number>();
  const readers = new Map<Unit, Unit[]>();
  for (const u of units) {
    const deps = new Set<Unit>();
    for (const n of u.members)
      for (const p of depsOf(n)) {
        const pu = unitOf.get(p);
        if (pu && pu !== u) deps.add(pu);
      }
    pending.set(u, deps.size);
    for (const d of deps) {
      const list = readers.get(d) ?? [];
      list.push(u);
      readers.set(d, list);
    }
  }
  const ready = units.filter((u) => pending.get(u) === 0);
  const order: Unit[] = [];
  for (let i = 0; i < ready.length; i++) {
    const u = ready[i]!;
    order.push(u);
    for (const r of readers.get(u) ?? []) {
      const left = pending.get(r)! - 1;
      pending.set(r, left);
      if (left === 0) ready.push(r);
    }
  }
  if (order.length !== units.length) {
    const stuck = units.find((u) => pending.get(u)! > 0)!.members[0]!;
    throw formatError(
      'the graph has a cycle outside a while loop',
      'tfjs/cycle',
      { ...where, ...stuck.where },
      'input',
    );
  }
  return order;
}
