// Small files: for a model of a few thousand int8 weights, value names and value_info cost as
// much as the weights. Renames internal values to short names and drops their (optional) types;
// graph inputs and outputs keep their names and types, nodes keep their names.
import type { Model } from '@enxuto/ir';

/** `unnamedOps`: op types whose node names are dropped too (the Q/DQ nodes a quantizer adds). */
export function compactNames(model: Model, opts: { unnamedOps?: readonly string[] } = {}): number {
  const g = model.graph;
  if (g.nodes.some((n) => n.subgraphs().length > 0)) return 0; // subgraphs may read outer names
  const internal = [...g.values()].filter((v) => !v.isGraphInput() && !v.isGraphOutput());
  const taken = new Set([...g.values()].filter((v) => v.isGraphInput() || v.isGraphOutput()).map((v) => v.name));
  let next = 0;
  const fresh = (): string => {
    for (;;) {
      const name = (next++).toString(36);
      if (!taken.has(name)) return name;
    }
  };
  // Two steps so a new short name never collides with an old name not yet renamed.
  for (const v of internal) g.rename(v, `\u0000${v.name}`);
  for (const v of internal) {
    g.rename(v, fresh());
    if (!v.isInitializer()) v.type = undefined;
  }
  const unnamed = new Set(opts.unnamedOps ?? []);
  for (const n of g.nodes) if (unnamed.has(n.opType)) n.name = '';
  return internal.length;
}
