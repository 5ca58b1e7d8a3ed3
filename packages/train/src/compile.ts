// IR model -> TF.js executable. Float initializers become tf.Variables (trainable ones feed the
// optimizer; BatchNormalization statistics are state updated while training); other initializers
// become constants. Nodes run in topological order through the op table.
import * as tf from '@tensorflow/tfjs';
import {
  CheckError,
  EnxutoError,
  isFloatType,
  RuntimeError,
  tensorFromValues,
  UnsupportedError,
  type DataType,
  type Model,
  type Node,
  type Tensor,
  type Value,
} from '@enxuto/ir';
import { toTf } from './convert.js';
import { OpAttrs } from './ops/op-attrs.js';
import type { OpContext, OpFn } from './ops/op-types.js';
import { lookupOp } from './ops/table.js';

export interface CompileOptions {
  /**
   * Float initializers the optimizer may change: a list of names, or 'all' (default) for every
   * float initializer except state (BatchNormalization running statistics) and static operands.
   */
  trainable?: readonly string[] | 'all';
  /**
   * Let a Reshape to a literal [1, ...] keep the input's batch size (models exported with batch 1
   * then run on whole batches). Default false: strict ONNX semantics.
   */
  batchFromInput?: boolean;
}

export interface RunOptions {
  /** Training semantics (Dropout drops, BatchNormalization uses batch statistics). Default false. */
  training?: boolean;
  /** Outputs to return; default: the graph outputs. */
  outputs?: readonly string[];
  /** Seed for random ops (Dropout) in this run. */
  seed?: number;
}

export type Feeds = Readonly<Record<string, tf.Tensor | Tensor>>;

export interface Executable {
  /** Graph inputs that need a feed (inputs without an initializer default). */
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Every float initializer, by name. */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** The variables the optimizer trains. */
  trainableVariables(): tf.Variable[];
  /** Runs the graph; intermediates are freed, the returned tensors belong to the caller. */
  run(feeds: Feeds, options?: RunOptions): Record<string, tf.Tensor>;
  /**
   * Runs the graph without freeing intermediates, for use inside `tf.tidy` / optimizer.minimize
   * (the gradient tape needs them). State updates are queued; apply them with `commitState()`.
   */
  forward(feeds: Feeds, options?: RunOptions): Record<string, tf.Tensor>;
  /** Writes queued state updates (BatchNormalization running statistics) into their variables. */
  commitState(): void;
  /** Copies the variables' current values into the model's initializers (keeping their dtypes). */
  writeBack(model?: Model): void;
  dispose(): void;
}

/** Inputs of these ops that hold state or are read on the host, never trained. */
const NOT_TRAINABLE: Readonly<Record<string, readonly number[]>> = {
  BatchNormalization: [3, 4],
  Dropout: [1],
  Pad: [1, 2],
  Clip: [1, 2],
  Range: [0, 1, 2],
};

interface CompiledNode {
  node: Node;
  fn: OpFn;
  attrs: OpAttrs;
  label: string;
  inputTypes: (DataType | undefined)[];
}

function opsetOf(model: Model): number {
  return model.opset('') ?? 1;
}

function wrapError(e: unknown, label: string, opType: string): EnxutoError {
  if (e instanceof EnxutoError) return e.node === undefined ? e.withLocation({ node: label }) : e;
  const msg = e instanceof Error ? e.message : String(e);
  return new RuntimeError(`${opType} failed: ${msg}`, { code: 'train/op-failed', node: label, cause: e });
}

export function compileGraph(model: Model, options: CompileOptions = {}): Executable {
  const graph = model.graph;
  const opset = opsetOf(model);
  const nodes = graph.topologicalOrder();

  const missing = new Set<string>();
  const compiled: CompiledNode[] = [];
  for (const node of nodes) {
    const label = node.label();
    try {
      compiled.push({
        node,
        fn: lookupOp(node.opType, node.domain, label),
        attrs: new OpAttrs(node.attributes, label),
        label,
        inputTypes: node.inputs.map((v) => v?.dtype),
      });
    } catch (e) {
      if (!(e instanceof UnsupportedError)) throw e;
      missing.add(node.domain ? `${node.domain}.${node.opType}` : node.opType);
    }
  }
  if (missing.size > 0) {
    const list = [...missing].sort().join(', ');
    throw new UnsupportedError(`ops not supported by the TF.js training runtime: ${list}`, {
      code: 'train/unsupported-op',
      node: list,
      field: 'op_type',
    });
  }

  const excluded = new Set<Value>();
  for (const node of nodes) {
    for (const i of NOT_TRAINABLE[node.opType] ?? []) {
      const v = node.input(i);
      if (v) excluded.add(v);
    }
  }
  const wanted = options.trainable ?? 'all';
  if (wanted !== 'all') {
    for (const name of wanted) {
      const v = graph.value(name);
      if (!v?.isInitializer() || !isFloatType(v.const!.dtype)) {
        throw new CheckError(`trainable ${name} is not a float initializer of the graph`, {
          code: 'train/not-trainable',
          value: name,
          field: 'trainable',
        });
      }
    }
  }
  const wantedSet = wanted === 'all' ? undefined : new Set(wanted);

  // Constants and variables live for the executable's lifetime.
  const constants = new Map<Value, tf.Tensor>();
  const variables = new Map<string, tf.Variable>();
  const originalDtype = new Map<string, Tensor['dtype']>();
  for (const v of graph.initializers()) {
    const t = v.const!;
    if (t.dtype === 'string') continue; // only a string-consuming op could read it, and none is supported
    if (isFloatType(t.dtype)) {
      const trainable = wantedSet ? wantedSet.has(v.name) : !excluded.has(v);
      const init = toTf(t, { value: v.name });
      const variable = tf.variable(init, trainable, undefined, 'float32');
      init.dispose();
      variables.set(v.name, variable);
      originalDtype.set(v.name, t.dtype);
      constants.set(v, variable);
    } else {
      constants.set(v, toTf(t, { value: v.name }));
    }
  }

  const feedInputs = graph.inputs.filter((v) => !v.isInitializer());
  const outputNames = graph.outputs.map((v) => v.name);
  const lastUse = new Map<Value, number>();
  compiled.forEach((c, i) => c.node.inputs.forEach((v) => v && lastUse.set(v, i)));

  let pending: { variable: tf.Variable; value: tf.Tensor }[] = [];

  function execute(feeds: Feeds, opts: RunOptions, freeEarly: boolean): Record<string, tf.Tensor> {
    const env = new Map<Value, tf.Tensor>(constants);
    const owned = new Set<tf.Tensor>(); // converted feeds
    for (const v of graph.inputs) {
      const feed = feeds[v.name];
      if (feed === undefined) {
        if (v.isInitializer()) continue;
        throw new CheckError(`missing feed for graph input ${v.name}`, { code: 'train/missing-feed', value: v.name });
      }
      const t = feed instanceof tf.Tensor ? feed : toTf(feed, { value: v.name });
      if (!(feed instanceof tf.Tensor)) owned.add(t);
      env.set(v, t);
    }
    const wantedOutputs = (opts.outputs ?? outputNames).map((name) => {
      const v = graph.value(name);
      if (!v) throw new CheckError(`no value named ${name}`, { code: 'train/no-output', value: name });
      return v;
    });
    const keepAlive = new Set<Value>([...wantedOutputs, ...graph.inputs, ...constants.keys()]);
    let seed = opts.seed ?? 1;
    compiled.forEach((c, step) => {
      const inputs = c.node.inputs.map((v) => {
        if (v === null) return undefined;
        const t = env.get(v);
        if (t === undefined) {
          throw new CheckError(`value ${v.name} is not computed before use`, {
            code: 'train/undefined-value',
            node: c.label,
            value: v.name,
          });
        }
        return t;
      });
      const ctx: OpContext = {
        opset,
        training: opts.training ?? false,
        node: c.label,
        outputs: c.node.outputs.length,
        inputTypes: c.inputTypes,
        batchFromInput: options.batchFromInput ?? false,
        nextSeed: () => seed++,
        assignInput: (i, value) => {
          const src = c.node.input(i);
          const variable = src ? variables.get(src.name) : undefined;
          if (variable && env.get(src!) === variable) pending.push({ variable, value: tf.keep(value) });
        },
      };
      let outs: tf.Tensor[];
      try {
        outs = c.fn(inputs as tf.Tensor[], c.attrs, ctx);
      } catch (e) {
        throw wrapError(e, c.label, c.node.opType);
      }
      c.node.outputs.forEach((v, i) => {
        if (v === null) return;
        const t = outs[i];
        if (t === undefined) {
          if (v.uses().length === 0 && !keepAlive.has(v)) return;
          throw new UnsupportedError(`${c.node.opType} output ${i} (${v.name}) is not produced by the TF.js runtime`, {
            code: 'train/unsupported-output',
            node: c.label,
            value: v.name,
          });
        }
        env.set(v, t);
      });
      if (freeEarly) {
        for (const v of new Set(c.node.inputs)) {
          if (v && lastUse.get(v) === step && !keepAlive.has(v)) {
            const t = env.get(v)!;
            env.delete(v);
            if (![...env.values()].includes(t)) t.dispose();
          }
        }
      }
    });
    for (const t of owned) if (![...wantedOutputs].some((v) => env.get(v) === t)) t.dispose();
    const result: Record<string, tf.Tensor> = {};
    for (const v of wantedOutputs) {
      const t = env.get(v);
      if (t === undefined)
        throw new CheckError(`output ${v.name} was not computed`, { code: 'train/no-output', value: v.name });
      result[v.name] = t;
    }
    return result;
  }

  const exe: Executable = {
    inputNames: feedInputs.map((v) => v.name),
    outputNames,
    variables,
    trainableVariables: () => [...variables.values()].filter((v) => v.trainable),
    forward: (feeds, opts = {}) => execute(feeds, opts, false),
    run(feeds, opts = {}) {
      const out = tf.tidy(() => {
        const r = execute(feeds, opts, true);
        // Outputs that are variables, constants or the caller's own feeds come back as copies, so
        // the caller can dispose every output.
        const external = new Set<tf.Tensor>([...constants.values()]);
        for (const f of Object.values(feeds)) if (f instanceof tf.Tensor) external.add(f);
        const copy: Record<string, tf.Tensor> = {};
        for (const [k, t] of Object.entries(r)) copy[k] = external.has(t) ? t.clone() : t;
        return copy;
      });
      if (!opts.training) {
        for (const p of pending) p.value.dispose();
        pending = [];
      }
      return out;
    },
    commitState() {
      for (const { variable, value } of pending) {
        variable.assign(value);
        value.dispose();
      }
      pending = [];
    },
    writeBack(target = model) {
      for (const [name, variable] of variables) {
        const v = target.graph.value(name);
        if (!v?.isInitializer()) continue;
        const dtype = originalDtype.get(name) ?? 'float32';
        const data = variable.dataSync() as Float32Array;
        target.graph.setConst(v, tensorFromValues(dtype, variable.shape, dtype === 'float32' ? data.slice() : data));
      }
    },
    dispose() {
      for (const t of constants.values()) t.dispose();
      for (const p of pending) p.value.dispose();
      pending = [];
    },
  };
  return exe;
}
