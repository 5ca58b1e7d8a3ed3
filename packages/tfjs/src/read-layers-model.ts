// A TF.js layers model (Keras topology + decoded weights) -> IR. Functional ('Model'/'Functional')
// topologies follow inbound_nodes; 'Sequential' chains its layers.
import {
  type DataType,
  EnxutoError,
  FormatError,
  Graph,
  isDataType,
  Model,
  tensorType,
  type Tensor,
  UnsupportedError,
  type Value,
} from '@enxuto/ir';
import type { WeightMap } from './decode-weights.js';
import { foldTransposes, uniquifyNodeNames } from './fold-transposes.js';
import { ImportContext } from './import/context.js';
import {
  asName,
  asArray,
  asInt,
  asObject,
  asString,
  formatError,
  isObject,
  own,
  type Json,
  type JsonObject,
  type Where,
} from './json.js';
import { KERAS_LAYERS, type KerasLayer, type LayerContext } from './keras-layers.js';

export const MAX_LAYERS = 100_000;

export function importLayersModel(json: JsonObject, weights: WeightMap, where: Where): Model {
  const topo = asObject(own(json, 'modelTopology'), where, 'modelTopology');
  const mc = asObject(own(topo, 'model_config') ?? topo, where, 'modelTopology.model_config');
  const className = asString(own(mc, 'class_name'), where, 'model_config.class_name');
  const config = own(mc, 'config');
  const g = new Graph('main');
  const ctx = new ImportContext(g, where);
  const lc: LayerContext = { ctx, weight: (l, suffix, optional) => findWeight(weights, l, suffix, optional) };
  if (className === 'Sequential') {
    const layersJson = Array.isArray(config)
      ? config
      : asArray(own(asObject(config, where, 'model_config.config'), 'layers'), where, 'model_config.config.layers');
    importSequential(lc, parseLayers(layersJson, where), where);
  } else if (className === 'Model' || className === 'Functional') {
    const c = asObject(config, where, 'model_config.config');
    importFunctional(lc, parseLayers(asArray(own(c, 'layers'), where, 'model_config.config.layers'), where), c, where);
  } else {
    throw new UnsupportedError(`model class_name '${className}' is not supported`, {
      code: 'tfjs/unsupported-layer',
      ...where,
      field: 'model_config.class_name',
    });
  }
  foldTransposes(g);
  uniquifyNodeNames(g);
  const model = new Model(g);
  model.producerName = 'enxuto (from tfjs layers model)';
  return model;
}

function parseLayers(arr: Json[], where: Where): KerasLayer[] {
  if (arr.length > MAX_LAYERS) throw formatError(`more than ${MAX_LAYERS} layers`, 'tfjs/too-large', where, 'layers');
  const seen = new Set<string>();
  return arr.map((j, i) => {
    const o = asObject(j, where, `layers[${i}]`);
    const config = asObject(own(o, 'config'), where, `layers[${i}].config`);
    const name = asName(own(o, 'name') ?? own(config, 'name'), where, `layers[${i}].name`);
    const className = asString(own(o, 'class_name'), { ...where, node: name }, `layers[${i}].class_name`);
    if (seen.has(name))
      throw formatError(
        `duplicate layer name '${name}'`,
        'tfjs/duplicate-layer',
        { ...where, node: name },
        `layers[${i}].name`,
      );
    seen.add(name);
    return { name, className, config, inbound: own(o, 'inbound_nodes'), where: { ...where, node: name } };
  });
}

function findWeight(weights: WeightMap, l: KerasLayer, suffix: string, optional = false): Tensor | undefined {
  const exact = weights.get(`${l.name}/${suffix}`);
  if (exact) return exact;
  // Converters may prefix a scope ('model/dense/kernel'); the layer name must still match exactly.
  for (const [k, t] of weights) if (k.endsWith(`/${l.name}/${suffix}`)) return t;
  if (optional) return undefined;
  throw formatError(
    `weight ${l.name}/${suffix} is missing from the manifest`,
    'tfjs/missing-weight',
    { ...l.where, value: `${l.name}/${suffix}` },
    'weightsManifest',
  );
}

function addInput(lc: LayerContext, l: KerasLayer, name: string): Value {
  const shapeJson =
    own(l.config, 'batch_input_shape') ?? own(l.config, 'batchInputShape') ?? own(l.config, 'batch_shape');
  const dtypeJson = own(l.config, 'dtype') ?? 'float32';
  const dtype: DataType =
    typeof dtypeJson === 'string' && isDataType(dtypeJson) && dtypeJson !== 'string' ? dtypeJson : 'float32';
  let shape: (number | null)[] | undefined;
  if (shapeJson !== undefined && shapeJson !== null) {
    shape = asArray(shapeJson, l.where, 'config.batch_input_shape').map((d, i) => {
      if (d === null) return null;
      const k = asInt(d, l.where, `config.batch_input_shape[${i}]`);
      if (k < 0) throw formatError(`dimension ${k}`, 'tfjs/bad-shape', l.where, 'config.batch_input_shape');
      return k;
    });
  }
  return lc.ctx.g.addInput(name, tensorType(dtype, shape));
}

function applyLayer(lc: LayerContext, l: KerasLayer, inputs: Value[]): Value {
  const importer = KERAS_LAYERS.get(l.className);
  if (!importer) {
    throw new UnsupportedError(`layer class_name '${l.className}' is not supported`, {
      code: 'tfjs/unsupported-layer',
      ...l.where,
      field: 'class_name',
    });
  }
  const g = lc.ctx.g;
  const before = g.nodes.length;
  let y: Value;
  try {
    y = importer(lc, l, inputs);
  } catch (e) {
    if (e instanceof EnxutoError) throw e.withLocation(l.where);
    throw new FormatError(`cannot translate layer ${l.className}: ${(e as Error).message}`, {
      code: 'tfjs/bad-layer',
      ...l.where,
      cause: e,
    });
  }
  const created = new Set(g.nodes.slice(before));
  const p = y.producer();
  if (p && created.has(p) && y.name !== l.name && !g.lookup(l.name)) g.rename(y, l.name);
  return y;
}

function importSequential(lc: LayerContext, layers: KerasLayer[], where: Where): void {
  if (layers.length === 0) throw formatError('Sequential model has no layers', 'tfjs/no-layers', where, 'layers');
  let x: Value;
  let rest = layers;
  if (layers[0]!.className === 'InputLayer') {
    x = addInput(lc, layers[0]!, layers[0]!.name);
    rest = layers.slice(1);
  } else {
    x = addInput(lc, layers[0]!, `${layers[0]!.name}_input`);
  }
  for (const l of rest) x = applyLayer(lc, l, [x]);
  lc.ctx.g.setOutputs([outputValue(lc, x)]);
}

/**
 * The layers a layer reads. Keras 2: [[ [layer, nodeIndex, tensorIndex, kwargs], ... ]]; Keras 3:
 * [{ args: [...], kwargs }] where each input is { config: { keras_history: [layer, node, tensor] } }.
 * One call per layer, first output only.
 */
function inboundNames(l: KerasLayer): string[] {
  const calls = asArray(l.inbound ?? [], l.where, 'inbound_nodes');
  if (calls.length === 0) return [];
  if (calls.length > 1)
    throw new UnsupportedError('shared layers (called more than once) are not supported', {
      code: 'tfjs/unsupported-layer',
      ...l.where,
      field: 'inbound_nodes',
    });
  const refs = Array.isArray(calls[0]) ? asArray(calls[0], l.where, 'inbound_nodes[0]') : kerasHistories(calls[0], l);
  return refs.map((ref, i) => {
    const r = asArray(ref, l.where, `inbound_nodes[0][${i}]`);
    if (r.length < 3 || asInt(r[1], l.where, 'node_index') !== 0 || asInt(r[2], l.where, 'tensor_index') !== 0) {
      throw new UnsupportedError('only the first output of a single call can be referenced', {
        code: 'tfjs/unsupported-layer',
        ...l.where,
        field: `inbound_nodes[0][${i}]`,
      });
    }
    return asString(r[0], l.where, `inbound_nodes[0][${i}][0]`);
  });
}

/** keras_history entries of a Keras 3 call's args, in order (the JSON depth is already bounded). */
function kerasHistories(call: unknown, l: KerasLayer): Json[] {
  const args = own(asObject(call, l.where, 'inbound_nodes[0]'), 'args');
  const out: Json[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) {
      const cfg = own(v, 'config');
      const h = isObject(cfg) ? own(cfg, 'keras_history') : undefined;
      if (h !== undefined) out.push(h);
      else if (own(v, 'class_name') === undefined) Object.values(v).forEach(visit);
    }
  };
  visit(args);
  return out;
}

/** ['name', 0, 0] or [['name', 0, 0], ...] (Keras 3 writes a single input/output flat). */
function layerRefs(v: unknown, where: Where, field: string): Json[] {
  const arr = asArray(v, where, field);
  return typeof arr[0] === 'string' ? [arr] : arr;
}

function importFunctional(lc: LayerContext, layers: KerasLayer[], c: JsonObject, where: Where): void {
  const values = new Map<string, Value>();
  const pending = new Map(layers.map((l) => [l.name, l]));
  // Layers may be listed in any order; resolve repeatedly, bounded by the layer count.
  for (let _pass = 0; pending.size > 0; _pass++) {
    let progressed = false;
    for (const [name, l] of pending) {
      const ins = inboundNames(l);
      if (l.className === 'InputLayer') {
        values.set(name, addInput(lc, l, name));
      } else {
        if (ins.length === 0)
          throw formatError(`layer ${name} has no inputs`, 'tfjs/bad-inbound', l.where, 'inbound_nodes');
        for (const i of ins)
          if (!pending.has(i) && !values.has(i))
            throw formatError(`inbound layer '${i}' does not exist`, 'tfjs/bad-inbound', l.where, 'inbound_nodes');
        if (ins.some((i) => !values.has(i))) continue;
        values.set(
          name,
          applyLayer(
            lc,
            l,
            ins.map((i) => values.get(i)!),
          ),
        );
      }
      pending.delete(name);
      progressed = true;
    }
    if (!progressed) throw formatError('the layer graph has a cycle', 'tfjs/cycle', where, 'inbound_nodes');
  }
  const outs = layerRefs(own(c, 'output_layers'), where, 'model_config.config.output_layers').map((o, i) => {
    const name = isObject(o)
      ? undefined
      : asString(asArray(o, where, `output_layers[${i}]`)[0], where, `output_layers[${i}][0]`);
    const v = name === undefined ? undefined : values.get(name);
    if (!v)
      throw formatError(
        `output layer ${String(name)} does not exist`,
        'tfjs/bad-signature',
        where,
        `output_layers[${i}]`,
      );
    return outputValue(lc, v);
  });
  if (outs.length === 0) throw formatError('the model has no output layers', 'tfjs/no-outputs', where, 'output_layers');
  lc.ctx.g.setOutputs(outs);
}

/** Graph outputs must be node outputs (a Dropout or InputLayer alone passes its input through). */
function outputValue(lc: LayerContext, v: Value): Value {
  if (v.producer()) return v;
  const g = lc.ctx.g;
  return g.addNode({ opType: 'Identity', inputs: [v], outputs: [g.uniqueName(`${v.name}/output`)] }).output();
}
