// Writer step 1, on the writer's own copy: what the op-by-op emitter needs first. Constant nodes
// become initializers (in If/Loop bodies too), shapes are inferred (ranks and dtypes drive many
// choices), channels-first ops are lowered to TF's layout and the transposes between them folded,
// LSTMs are unrolled, and layout ops on stored weights move onto the stored constants.
import { type Graph, type Model, walkGraphs } from '@enxuto/ir';
import { inferShapes, unrollLstm } from '@enxuto/transforms';
import { foldTransposes } from '../fold-transposes.js';
import { hoistWeightLayout } from './hoist-weights.js';
import { inferDtypes } from './infer-dtypes.js';
import { lowerLayout } from './lower-layout.js';

function constantsToInitializers(g: Graph): void {
  for (const n of [...g.nodes]) {
    const t = n.opType === 'Constant' && n.domain === '' ? n.getTensor('value') : undefined;
    const out = n.outputs[0];
    if (!t || !out || out.isGraphOutput()) continue;
    const c = g.addInitializer(g.uniqueName(out.name), t);
    g.replaceAllUsesWith(out, c);
    g.remove(n);
  }
}

export function prepareForTfjs(m: Model): void {
  for (const g of [...walkGraphs(m.graph)]) constantsToInitializers(g);
  inferShapes(m);
  inferDtypes(m.graph);
  // LSTMs (in If/Loop bodies too) become their per-step ops; TF.js has no LSTM op.
  if (unrollLstm(m).unrolled > 0) inferShapes(m);
  lowerLayout(m.graph);
  for (const g of [...walkGraphs(m.graph)]) foldTransposes(g);
  hoistWeightLayout(m.graph);
  for (const g of [...walkGraphs(m.graph)]) foldTransposes(g);
}
