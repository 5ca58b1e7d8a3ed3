// Writer step 2: IR ops -> TF ops TF.js runs. One fixed table keyed by op type; ops missing from it
// are UnsupportedErrors naming the op and node. Int64 values become int32 (TF.js has no int64).
import { type Node, UnsupportedError } from '@enxuto/ir';
import type { AttrJson } from './context.js';
import type { TfExporter } from './common.js';
import { TF_ATTRS, TF_DOMAIN } from './lower-common.js';
import { CONTROL_FLOW_EXPORTERS } from './ops-control-flow.js';
import { INDEX_EXPORTERS } from './ops-index.js';
import { MATH_EXPORTERS } from './ops-math.js';
import { NN_EXPORTERS } from './ops-nn.js';
import { float16Weight, QUANT_EXPORTERS } from './ops-quant.js';
import { SHAPE_EXPORTERS } from './ops-shape.js';

export type { TfExporter } from './common.js';

/** A TF-domain node from the layout lowering: its TF attributes travel as JSON. */
const tfDomain: TfExporter = (ec, n, ins, base) => {
  const raw = n.getString(TF_ATTRS, '{}');
  const attr = JSON.parse(raw) as Record<string, AttrJson>;
  if (n.opType !== 'BiasAdd' && n.opType !== 'Conv2DBackpropInput')
    attr.data_format ??= { s: btoa(n.opType.endsWith('3D') ? 'NDHWC' : 'NHWC') };
  attr.T ??= { type: 'DT_FLOAT' };
  const y = ec.emit(n.opType, base, ins, attr);
  return n.outputs.length > 1 ? n.outputs.map((_, i) => `${y}:${i}`) : [y];
};

const TABLE = new Map<string, TfExporter>([
  ...MATH_EXPORTERS,
  ...SHAPE_EXPORTERS,
  ...INDEX_EXPORTERS,
  ...NN_EXPORTERS,
  ...QUANT_EXPORTERS,
  ...CONTROL_FLOW_EXPORTERS,
]);
const castOp = TABLE.get('Cast')!;
// A float16 constant cast to float32 stays float16 in the manifest.
TABLE.set('Cast', (ec, n, ins, base) => {
  const weight = float16Weight(ec, n, base);
  return weight ? [weight] : castOp(ec, n, ins, base);
});

export const TF_EXPORTERS: ReadonlyMap<string, TfExporter> = TABLE;

/** Emitter for a node: ONNX-domain ops by table, TF-domain ops (from lowering) as they are. */
export function exporterFor(n: Node): TfExporter {
  if (n.domain === TF_DOMAIN) return tfDomain;
  const e = n.domain === '' || n.domain === 'ai.onnx' ? TF_EXPORTERS.get(n.opType) : undefined;
  if (!e) {
    throw new UnsupportedError(`op ${n.domain ? `${n.domain}.` : ''}${n.opType} cannot be written as TF.js`, {
      code: 'tfjs/unsupported-op',
      node: n.label(),
      field: 'op_type',
    });
  }
  return e;
}
