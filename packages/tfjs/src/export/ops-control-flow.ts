// ONNX If and Loop -> TF.js's functional control flow: StatelessIf and StatelessWhile whose branches
// and bodies are library functions (what tfjs-converter writes for TF2 models; run with
// executeAsync). TF functions capture nothing, so the outer values a body reads become arguments.
// A Loop's scan outputs are collected in TensorLists (PushBack each iteration, Stack after).
import type { DataType, Graph, Value } from '@enxuto/ir';
import { tfEnumName } from '../dtypes.js';
import { a, type ExportContext } from './context.js';
import { emitNodes } from './emit.js';
import { type TfExporter, tfType, unsupported } from './common.js';

/** A function argument: its name stem and TF type ('DT_FLOAT', 'DT_VARIANT' for TensorLists, ...). */
interface Arg {
  name: string;
  type: string;
}

const argOf = (name: string, dtype: DataType): Arg => ({ name, type: tfEnumName(dtype) });

/** Outer values read by any of the graphs, in a stable order. */
function captures(graphs: Graph[]): Value[] {
  const seen = new Set<Value>();
  for (const g of graphs) for (const v of g.outerValues()) seen.add(v);
  return [...seen];
}

/**
 * Emits `g` as a library function named from `base`: `params` are the function's arguments, bound in
 * order to `bound` (graph inputs, captured outer values, or extra loop state); `results` computes the
 * returned references after the graph's nodes are emitted.
 */
function emitFunction(
  ec: ExportContext,
  base: string,
  g: Graph,
  bound: (Value | undefined)[],
  params: Arg[],
  results: (args: string[]) => { refs: string[]; types: string[] },
): string {
  const fname = ec.name(`${base}_fn`);
  let ret: { refs: string[]; types: string[] } = { refs: [], types: [] };
  let argNames: string[] = [];
  const scope = ec.inScope((s) => {
    argNames = params.map((p) => ec.name(`${fname}/${p.name}`));
    bound.forEach((v, i) => {
      if (v) s.refs.set(v, argNames[i]!);
    });
    emitNodes(ec, g);
    ret = results(argNames);
  });
  const outArgs = ret.refs.map((_, i) => `output_${i}`);
  ec.functions.push({
    signature: {
      name: fname,
      inputArg: params.map((p, i) => ({ name: argNames[i]!, type: p.type })),
      outputArg: outArgs.map((o, i) => ({ name: o, type: ret.types[i]! })),
    },
    nodeDef: scope.nodes,
    ret: Object.fromEntries(outArgs.map((o, i) => [o, ret.refs[i]!])),
  });
  return fname;
}

/** A graph output's reference inside the function (constants are emitted there). */
function outRef(ec: ExportContext, v: Value, label: string, i: number): string {
  return ec.refOf(v, label, i);
}

const ifOp: TfExporter = (ec, n, ins, base) => {
  const thenG = n.attr('then_branch');
  const elseG = n.attr('else_branch');
  if (thenG?.type !== 'graph' || elseG?.type !== 'graph')
    throw unsupported(n, 'needs then_branch and else_branch graphs', 'then_branch');
  const caps = captures([thenG.value, elseG.value]);
  const params = caps.map((v, i) => argOf(`capture${i}`, tfType(v)));
  const outTypes = thenG.value.outputs.map((v, i) => tfType(v, elseG.value.outputs[i]?.dtype));
  const types = outTypes.map(tfEnumName);
  const branch = (g: Graph, which: string) =>
    emitFunction(ec, `${base}/${which}`, g, caps, params, () => ({
      refs: g.outputs.map((v, i) => outRef(ec, v, n.label(), i)),
      types,
    }));
  const thenFn = branch(thenG.value, 'then');
  const elseFn = branch(elseG.value, 'else');
  const capRefs = caps.map((v, i) => ec.refOf(v, n.label(), i + 1));
  const node = ec.emit('StatelessIf', base, [ins[0]!, ...capRefs], {
    then_branch: a.func(thenFn),
    else_branch: a.func(elseFn),
    Tcond: a.type('bool'),
    Tin: { list: { type: params.map((p) => p.type) } },
    Tout: a.types(outTypes),
  });
  return n.outputs.map((_, i) => `${node}:${i}`);
};

/**
 * Loop(M, cond, v...) -> While over (i, M, cond, v..., captures..., lists...): the condition is
 * i < M && cond; the body runs the ONNX body on (i, cond, v...), then i + 1 and each scan output
 * pushed on its list. Absent M or cond mean "no limit" and "true".
 */
const loopOp: TfExporter = (ec, n, ins, base) => {
  const bodyA = n.attr('body');
  if (bodyA?.type !== 'graph') throw unsupported(n, 'needs a body graph', 'body');
  const body = bodyA.value;
  const carried = n.inputs.length - 2;
  const scans = body.outputs.length - 1 - carried;
  if (carried < 0 || scans < 0 || body.inputs.length !== carried + 2)
    throw unsupported(n, 'body inputs and outputs do not match the loop', 'body');
  const caps = captures([body]);
  const vTypes = n.inputs.slice(2).map((v, k) => tfType(v, body.inputs[k + 2]?.dtype));
  const scanTypes = body.outputs.slice(1 + carried).map((v) => tfType(v));
  // TensorList handles travel as DT_VARIANT.
  const sigParams: Arg[] = [
    argOf('i', 'int32'),
    argOf('max', 'int32'),
    argOf('cond', 'bool'),
    ...vTypes.map((dtype, k) => argOf(`v${k}`, dtype)),
    ...caps.map((v, k) => argOf(`capture${k}`, tfType(v))),
    ...scanTypes.map((_, k) => ({ name: `list${k}`, type: 'DT_VARIANT' })),
    // TF.js 4.22 disposes a function's intermediate tensors when it returns, even those pushed on a
    // TensorList: each pushed item is also returned (and ignored as the next argument).
    ...scanTypes.map((dtype, k) => argOf(`item${k}`, dtype)),
  ];
  const listDt = (k: number) => a.type(scanTypes[k]!);
  const types = sigParams.map((p) => p.type);

  const condFn = ec.name(`${base}/cond_fn`);
  const condArgs = sigParams.map((p) => ec.name(`${condFn}/${p.name}`));
  const condScope = ec.inScope(() => {
    const less = ec.emit('Less', `${condFn}/below_max`, [condArgs[0]!, condArgs[1]!]);
    ec.emit('LogicalAnd', `${condFn}/go`, [less, condArgs[2]!]);
  });
  const go = condScope.nodes[condScope.nodes.length - 1]!.name;
  ec.functions.push({
    signature: {
      name: condFn,
      inputArg: sigParams.map((p, i) => ({ name: condArgs[i]!, type: p.type })),
      outputArg: [{ name: 'output_0', type: 'DT_BOOL' }],
    },
    nodeDef: condScope.nodes,
    ret: { output_0: go },
  });

  const bound: (Value | undefined)[] = [body.inputs[0], undefined, body.inputs[1], ...body.inputs.slice(2), ...caps];
  const bodyFn = emitFunction(ec, `${base}/body`, body, bound, sigParams, (args) => {
    const label = n.label();
    const next = ec.emit('AddV2', `${base}/body/next_i`, [args[0]!, ec.int32s(`${base}/body/one`, [1], [])]);
    const condOut = ec.emit('Identity', `${base}/body/cond_out`, [outRef(ec, body.outputs[0]!, label, 0)]);
    const vOut = body.outputs
      .slice(1, 1 + carried)
      .map((v, k) => ec.emit('Identity', `${base}/body/v${k}`, [outRef(ec, v, label, k + 1)]));
    const capOut = caps.map((_, k) => args[3 + carried + k]!);
    const items = body.outputs.slice(1 + carried).map((v, k) => outRef(ec, v, label, 1 + carried + k));
    const lists = items.map((item, k) =>
      ec.emit('TensorListPushBack', `${base}/body/push${k}`, [args[3 + carried + caps.length + k]!, item], {
        element_dtype: listDt(k),
      }),
    );
    return { refs: [next, args[1]!, condOut, ...vOut, ...capOut, ...lists, ...items], types };
  });

  const mRef = n.input(0)
    ? ec.emit('Cast', `${base}/max`, [ins[0]!], { DstT: a.type('int32') })
    : ec.int32s(`${base}/max`, [2 ** 31 - 1], []);
  const cRef = n.input(1) ? ins[1]! : ec.scalar(`${base}/cond`, 'bool', 1);
  const lists = scanTypes.map((_, k) =>
    ec.emit(
      'EmptyTensorList',
      `${base}/list${k}`,
      [ec.int32s(`${base}/list${k}/shape`, [-1], []), ec.int32s(`${base}/list${k}/max`, [-1], [])],
      {
        element_dtype: listDt(k),
        shape_type: a.type('int32'),
      },
    ),
  );
  const capRefs = caps.map((v, k) => ec.refOf(v, n.label(), k + 2));
  const noItems = scanTypes.map((dtype, k) => ec.scalar(`${base}/item${k}`, dtype, 0));
  const w = ec.emit(
    'StatelessWhile',
    base,
    [ec.int32s(`${base}/i0`, [0], []), mRef, cRef, ...ins.slice(2), ...capRefs, ...lists, ...noItems],
    {
      cond: a.func(condFn),
      body: a.func(bodyFn),
      T: { list: { type: types } },
    },
  );
  const finals = vTypes.map((_, k) => `${w}:${3 + k}`);
  const stacked = scanTypes.map((_, k) =>
    ec.emit(
      'TensorListStack',
      `${base}/scan${k}`,
      [`${w}:${3 + carried + caps.length + k}`, ec.int32s(`${base}/scan${k}/shape`, [-1], [])],
      {
        element_dtype: listDt(k),
        num_elements: a.i(-1),
      },
    ),
  );
  return [...finals, ...stacked];
};

export const CONTROL_FLOW_EXPORTERS: [string, TfExporter][] = [
  ['If', ifOp],
  ['Loop', loopOp],
];
