// upgradeOpset: raises a model's default-domain opset (and its If/Loop/Scan bodies) one version at a
// time, rewriting each operator whose meaning changed on the way, as onnx.version_converter does.
import { type Graph, type Model, type Node, UnsupportedError, walkGraphs } from '@enxuto/ir';
import { ADAPTERS } from './adapters.js';
import { changedAt, irVersionFor, NEWEST_OPSET, OLDEST_OPSET } from './op-changes.js';
import { resizeRoiAndMapping, upsampleToResize } from './resize.js';

export interface UpgradeOpsetStats {
  from: number;
  to: number;
  /** `${op}@${version}` -> nodes rewritten by that step. */
  rewritten: Record<string, number>;
}

const isDefaultDomain = (n: Node) => n.domain === '' || n.domain === 'ai.onnx';

function graphsOf(model: Model): Graph[] {
  return [...walkGraphs(model.graph)];
}

/**
 * Raises the default-domain opset of `model` in place to `target` (a model already there or newer
 * is left alone). Throws UnsupportedError naming the node when an operator cannot keep its meaning.
 */
export function upgradeOpset(model: Model, target: number): UpgradeOpsetStats {
  const from = model.opset('') ?? 1;
  const stats: UpgradeOpsetStats = { from, to: Math.max(from, target), rewritten: {} };
  if (from >= target) return stats;
  if (from < OLDEST_OPSET || target > NEWEST_OPSET) {
    throw new UnsupportedError(
      `cannot raise opset ${from} to ${target}: the upgrade knows opsets ${OLDEST_OPSET} to ${NEWEST_OPSET}`,
      { code: 'transforms/opset-upgrade', field: 'opset_import' },
    );
  }
  const count = (key: string) => {
    stats.rewritten[key] = (stats.rewritten[key] ?? 0) + 1;
  };
  for (let version = from + 1; version <= target; version++) {
    // Nodes an adapter adds are already in this version's form: visit a snapshot.
    for (const g of graphsOf(model)) {
      for (const node of [...g.nodes]) {
        if (node.isRemoved() || !isDefaultDomain(node)) continue;
        // Upsample was deprecated at 10: one met later is the opset-9 operator under its old name.
        if (node.opType === 'Upsample' && version > 10) {
          upsampleToResize(node);
          resizeRoiAndMapping(node, version);
          count(`Upsample@${version}`);
          continue;
        }
        if (!changedAt(node.opType, version)) continue;
        const adapter = ADAPTERS.get(`${node.opType}@${version}`);
        if (!adapter) continue;
        const key = `${node.opType}@${version}`;
        adapter(node, version);
        count(key);
      }
    }
  }
  if (model.opsetImports.has('ai.onnx')) model.opsetImports.set('ai.onnx', target);
  else model.opsetImports.set('', target);
  const ir = irVersionFor(target);
  if (model.irVersion < ir) model.irVersion = ir;
  return stats;
}
