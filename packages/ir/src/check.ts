// Structural validation of a model: every problem is a CheckError naming the node, value and field.
import { byteLengthOf, shapeSize } from './dtype.js';
import { CheckError } from './errors.js';
import type { Graph } from './graph.js';
import { functionKey, type Model } from './model.js';
import type { Node } from './node.js';
import type { Dim } from './types.js';
import type { Value } from './value.js';

/** Throws the first problem found (a CheckError); returns quietly for a valid model. */
export function checkModel(model: Model): void {
  const problems = findProblems(model);
  if (problems.length > 0) throw problems[0]!;
}

/** All structural problems of a model. */
export function findProblems(model: Model): CheckError[] {
  const problems: CheckError[] = [];
  const report = (message: string, code: string, where: { node?: Node; value?: Value | string; field?: string }) => {
    problems.push(
      new CheckError(message, {
        code,
        ...(where.node ? { node: where.node.label() } : {}),
        ...(where.value !== undefined
          ? { value: typeof where.value === 'string' ? where.value : where.value.name }
          : {}),
        ...(where.field ? { field: where.field } : {}),
      }),
    );
  };
  const functions = new Set(model.functions.map((f) => f.key));
  const hasFunction = (n: Node) => functions.has(functionKey(n.domain, n.opType, n.overload));

  const checkGraph = (g: Graph, opsets: ReadonlyMap<string, number>, isFunctionBody: boolean) => {
    try {
      g.topologicalOrder();
    } catch (e) {
      if (e instanceof CheckError) problems.push(e);
      else throw e;
    }
    for (const n of g.nodes) {
      n.inputs.forEach((v, i) => {
        if (!v) return;
        const field = `inputs[${i}]`;
        if (v.isDetached())
          report(`input ${v.name} was removed from the graph`, 'check/dangling', { node: n, value: v, field });
        else if (!inScope(g, v))
          report(`input ${v.name} belongs to a graph that is not in scope`, 'check/out-of-scope', {
            node: n,
            value: v,
            field,
          });
        else if (!isDefined(v, isFunctionBody))
          report(`input ${v.name} is never produced`, 'check/undefined-value', { node: n, value: v, field });
      });
      const domain = n.domain === 'ai.onnx' ? '' : n.domain;
      if (!opsets.has(domain) && !(domain === '' && opsets.has('ai.onnx')) && !hasFunction(n)) {
        report(`no opset import for domain '${domain || 'ai.onnx'}'`, 'check/missing-opset', {
          node: n,
          field: 'domain',
        });
      }
      checkSemantics(n, report);
      for (const sg of n.subgraphs()) checkGraph(sg, opsets, isFunctionBody);
    }
    g.outputs.forEach((v, i) => {
      if (v.isDetached() || !isDefined(v, isFunctionBody)) {
        report(`graph output ${v.name} is never produced`, 'check/output-not-produced', {
          value: v,
          field: `outputs[${i}]`,
        });
      }
    });
    for (const v of g.values()) {
      const t = v.const;
      if (!t || t.dtype === 'string') continue;
      if (t.byteLength !== byteLengthOf(t.dtype, shapeSize(t.shape))) {
        report(
          `initializer holds ${t.byteLength} bytes for ${t.dtype}[${t.shape.join(',')}]`,
          'check/initializer-size',
          { value: v, field: 'data' },
        );
      }
      const declared = v.type && v.type.kind === 'tensor' ? v.type.shape : undefined;
      if (declared && !dimsCompatible(declared, t.shape)) {
        report(
          `declared shape [${declared.join(',')}] does not match data shape [${t.shape.join(',')}]`,
          'check/shape-mismatch',
          { value: v, field: 'shape' },
        );
      }
      if (v.type && v.type.kind === 'tensor' && v.type.dtype !== t.dtype) {
        report(`declared type ${v.type.dtype} does not match data type ${t.dtype}`, 'check/type-mismatch', {
          value: v,
          field: 'dtype',
        });
      }
    }
  };

  checkGraph(model.graph, model.opsetImports, false);
  const seen = new Set<string>();
  for (const f of model.functions) {
    if (seen.has(f.key))
      report(`duplicate local function ${f.domain}.${f.name}`, 'check/duplicate-function', { field: 'functions' });
    seen.add(f.key);
    const opsets = new Map([...model.opsetImports, ...f.opsetImports]);
    checkGraph(f.body, opsets, true);
  }
  const cycle = findRecursiveFunction(model);
  if (cycle) report(`local function ${cycle} calls itself`, 'check/recursive-function', { field: 'functions' });
  return problems;
}

function isDefined(v: Value, isFunctionBody: boolean): boolean {
  if (v.producer() || v.isGraphInput() || v.const !== undefined) return true;
  // Function bodies and subgraphs may read values of enclosing scopes: defined if some enclosing graph defines it.
  return isFunctionBody && v.graph.inputs.includes(v);
}

function inScope(g: Graph, v: Value): boolean {
  for (let s: Graph | undefined = g; s; s = s.parentGraph) if (s === v.graph) return true;
  return false;
}

function dimsCompatible(declared: readonly Dim[], actual: readonly number[]): boolean {
  if (declared.length !== actual.length) return false;
  return declared.every((d, i) => typeof d !== 'number' || d === actual[i]);
}

function knownShape(v: Value | null): Dim[] | undefined {
  return v?.shape;
}

/** Checks that need no shape inference: operand ranks and sizes that are known must agree. */
function checkSemantics(
  n: Node,
  report: (m: string, c: string, w: { node?: Node; value?: Value | string; field?: string }) => void,
): void {
  if (n.domain !== '' && n.domain !== 'ai.onnx') return;
  const x = knownShape(n.input(0));
  const w = knownShape(n.input(1));
  switch (n.opType) {
    case 'Conv':
    case 'ConvTranspose': {
      if (w && w.length < 3)
        report(`weight has rank ${w.length}; ${n.opType} needs at least 3`, 'check/bad-rank', {
          node: n,
          value: n.input(1)!,
          field: 'inputs[1]',
        });
      else if (w && x && x.length !== w.length)
        report(`input rank ${x.length} differs from weight rank ${w.length}`, 'check/bad-rank', {
          node: n,
          value: n.input(1)!,
          field: 'inputs[1]',
        });
      else if (n.opType === 'Conv' && w && x && typeof x[1] === 'number' && typeof w[1] === 'number') {
        const group = n.getInt('group', 1);
        if (x[1] !== w[1] * group)
          report(`input has ${x[1]} channels, weight expects ${w[1] * group}`, 'check/shape-mismatch', {
            node: n,
            value: n.input(0)!,
            field: 'inputs[0]',
          });
      }
      break;
    }
    case 'Gemm': {
      if (x && x.length !== 2)
        report(`A has rank ${x.length}; Gemm needs 2`, 'check/bad-rank', {
          node: n,
          value: n.input(0)!,
          field: 'inputs[0]',
        });
      if (w && w.length !== 2)
        report(`B has rank ${w.length}; Gemm needs 2`, 'check/bad-rank', {
          node: n,
          value: n.input(1)!,
          field: 'inputs[1]',
        });
      if (x?.length === 2 && w?.length === 2) {
        const k1 = n.getInt('transA', 0) ? x[0] : x[1];
        const k2 = n.getInt('transB', 0) ? w[1] : w[0];
        if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2)
          report(`inner dimensions ${k1} and ${k2} differ`, 'check/shape-mismatch', {
            node: n,
            value: n.input(1)!,
            field: 'inputs[1]',
          });
      }
      break;
    }
    case 'MatMul': {
      if (x && w && x.length >= 2 && w.length >= 2) {
        const k1 = x[x.length - 1];
        const k2 = w[w.length - 2];
        if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2)
          report(`inner dimensions ${k1} and ${k2} differ`, 'check/shape-mismatch', {
            node: n,
            value: n.input(1)!,
            field: 'inputs[1]',
          });
      }
      break;
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div': {
      if (x && w && !broadcastable(x, w))
        report(`shapes [${x.join(',')}] and [${w.join(',')}] do not broadcast`, 'check/shape-mismatch', {
          node: n,
          value: n.input(1)!,
          field: 'inputs[1]',
        });
      break;
    }
  }
}

function broadcastable(a: readonly Dim[], b: readonly Dim[]): boolean {
  for (let i = 1; i <= Math.min(a.length, b.length); i++) {
    const x = a[a.length - i];
    const y = b[b.length - i];
    if (typeof x === 'number' && typeof y === 'number' && x !== y && x !== 1 && y !== 1) return false;
  }
  return true;
}

function findRecursiveFunction(model: Model): string | undefined {
  const byKey = new Map(model.functions.map((f) => [f.key, f]));
  const calls = new Map<string, string[]>();
  for (const f of model.functions) {
    const out: string[] = [];
    const visit = (g: Graph) => {
      for (const n of g.nodes) {
        const k = functionKey(n.domain, n.opType, n.overload);
        if (byKey.has(k)) out.push(k);
        for (const sg of n.subgraphs()) visit(sg);
      }
    };
    visit(f.body);
    calls.set(f.key, out);
  }
  const state = new Map<string, 1 | 2>();
  const dfs = (k: string): string | undefined => {
    state.set(k, 1);
    for (const c of calls.get(k) ?? []) {
      if (state.get(c) === 1) return byKey.get(c)!.name;
      if (!state.has(c)) {
        const r = dfs(c);
        if (r) return r;
      }
    }
    state.set(k, 2);
    return undefined;
  };
  for (const k of calls.keys()) {
    if (!state.has(k)) {
      const r = dfs(k);
      if (r) return r;
    }
  }
  return undefined;
}
