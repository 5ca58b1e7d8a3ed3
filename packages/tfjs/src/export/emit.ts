// Emits the nodes of one IR graph into the current scope, op by op through the exporter table.
import { EnxutoError, type Graph } from '@enxuto/ir';
import type { ExportContext } from './context.js';
import { exporterFor } from './ops.js';

export function emitNodes(ec: ExportContext, g: Graph): void {
  for (const n of g) {
    const label = n.label();
    const ins = n.inputs.map((v, i) => (v ? ec.refOf(v, label, i) : ''));
    const base = n.outputs[0]?.name ?? label;
    let refs: string[];
    try {
      refs = exporterFor(n)(ec, n, ins, base);
    } catch (e) {
      if (e instanceof EnxutoError) throw e.withLocation({ node: label });
      throw e;
    }
    n.outputs.forEach((o, i) => {
      if (o && refs[i] !== undefined) ec.bind(o, refs[i]!);
    });
  }
}
