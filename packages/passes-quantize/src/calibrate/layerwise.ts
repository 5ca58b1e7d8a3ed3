// Layer-by-layer calibrated weight quantization (GPTQ, AWQ). Weight nodes are put in stages: a
// node's stage is one more than the latest stage among the weight nodes its input depends on, so
// the nodes of one stage never feed each other (the q, k, v projections of a block; then its
// output projection; ...). Stage by stage, only the nodes not run yet that compute the stage's
// inputs are extracted and run (onnxruntime), from the values earlier stages left, with the
// earlier stages already quantized: each layer is fitted to the inputs the quantized model will
// really give it, and only one stage's weights are ever loaded, so memory stays bounded by a
// layer, not by the model.
import { extractModel, nodeDependencies, type Model, type Node, type Value } from '@enxuto/ir';
import { awqScales } from '../kernels/awq.js';
import { DEFAULT_GPTQ, gptqQuantize } from '../kernels/gptq.js';
import { InputStats } from '../kernels/input-stats.js';
import { quantizeGroupwise, type GroupQuantized } from '../kernels/nbits-grid.js';
import { rewriteAsNBits, scaleInputs } from '../graph/nbits-nodes.js';
import type { TensorStore } from '../graph/helpers.js';
import { findWeightNodes, weightMatrix, type WeightNode } from '../graph/weight-nodes.js';
import { groupMse } from '../graph/weight-only.js';
import type { InferenceBackend, TensorData } from '@enxuto/pass';
import type { CalibrationBatch } from './session.js';

export interface LayerwiseOptions {
  method: 'gptq' | 'awq';
  bits: number;
  blockSize: number;
  symmetric: boolean;
  minClip: number;
  accuracyLevel: number;
  exclude: readonly string[];
  minElements: number;
  /** GPTQ: dampening as a fraction of the mean diagonal of H. */
  damp: number;
  /** GPTQ: quantize input channels in order of decreasing activation energy. */
  actOrder: boolean;
  /** AWQ: input rows kept per layer for the scale search. */
  awqRows: number;
}

export const DEFAULT_LAYERWISE: LayerwiseOptions = {
  method: 'gptq',
  bits: 4,
  blockSize: 32,
  symmetric: false,
  minClip: 1,
  accuracyLevel: 0,
  exclude: [],
  minElements: 16,
  damp: DEFAULT_GPTQ.damp,
  actOrder: DEFAULT_GPTQ.actOrder,
  awqRows: 256,
};

export interface LayerwiseLayer {
  node: string;
  opType: string;
  bits: number;
  stage: number;
  weightMse: number;
  /** GPTQ: output error left relative to the layer's output energy; AWQ: error vs plain rounding. */
  error: number;
}

export interface LayerwiseHooks {
  store?: TensorStore;
  signal?: AbortSignal;
  onProgress?: (stage: number, stages: number) => void;
}

/** Weight nodes by stage (1-based), in topological order within a stage. */
export function stagesOf(model: Model, targets: readonly WeightNode[]): WeightNode[][] {
  const byNode = new Map(targets.map((t) => [t.node, t]));
  const depth = new Map<Value, number>();
  const stages: WeightNode[][] = [];
  for (const n of model.graph) {
    let d = 0;
    for (const v of nodeDependencies(n)) d = Math.max(d, depth.get(v) ?? 0);
    const t = byNode.get(n);
    if (t) {
      d += 1;
      (stages[d - 1] ??= []).push(t);
    }
    for (const o of n.outputs) if (o) depth.set(o, d);
  }
  return stages.filter((s) => s !== undefined);
}

/** What runs the graph piece by piece: per batch, the values computed so far (by name). */
class PieceRunner {
  private readonly executed = new Set<Node>();
  readonly caches: Map<string, TensorData>[];

  constructor(
    private readonly model: Model,
    private readonly backend: InferenceBackend,
    batches: readonly CalibrationBatch[],
  ) {
    this.caches = batches.map((b) => new Map(Object.entries(b.feeds)));
  }

  private cached(v: Value): boolean {
    return this.caches[0]!.has(v.name);
  }

  /** Runs whatever has not run yet to compute `values`; leaves them (and values later nodes need) cached. */
  async compute(values: readonly Value[]): Promise<void> {
    const run = new Set<Node>();
    const visit = (v: Value) => {
      if (this.cached(v) || (v.isInitializer() && !v.isGraphInput())) return;
      const p = v.producer();
      if (!p) throw new Error(`calibration feeds have no value for graph input ${v.name}`);
      if (this.executed.has(p) || run.has(p)) return;
      run.add(p);
      for (const d of nodeDependencies(p)) visit(d);
    };
    for (const v of values) visit(v);
    if (run.size === 0) return;
    const inputs = new Set<Value>();
    const outputs = new Set<Value>(values.filter((v) => !this.cached(v)));
    for (const n of run) {
      for (const d of nodeDependencies(n)) if (this.cached(d)) inputs.add(d);
      for (const o of n.outputs) {
        if (!o) continue;
        const later = o.uses().some((u) => !run.has(u.node) && !this.executed.has(u.node)) || o.isGraphOutput();
        if (later) outputs.add(o);
      }
    }
    const piece = extractModel(this.model, run, [...inputs], [...outputs]);
    // Every dim its own symbol: onnxruntime takes equal symbols for equal sizes and would fold
    // shape arithmetic wrongly (GPT-2's [B*T, C] Gemm input beside a [B, T, C] one).
    piece.graph.inputs.forEach((v, k) => {
      const t = this.caches[0]!.get(v.name)!;
      v.type = { kind: 'tensor', dtype: t.dtype as never, shape: t.shape.map((_, i) => `in${k}_d${i}`) };
    });
    const session = await this.backend.createSession(piece);
    try {
      for (const cache of this.caches) {
        const feeds: Record<string, TensorData> = {};
        for (const v of inputs) feeds[v.name] = cache.get(v.name)!;
        const out = await session.run(feeds);
        for (const [k, t] of Object.entries(out)) cache.set(k, t);
      }
    } finally {
      await session.release();
    }
    for (const n of run) this.executed.add(n);
  }

  /** Drops cached values no node still to run reads. */
  evict(): void {
    for (const name of [...this.caches[0]!.keys()]) {
      const v = this.model.graph.value(name);
      if (v && !v.isGraphOutput() && v.uses().every((u) => this.executed.has(u.node))) {
        for (const c of this.caches) c.delete(name);
      }
    }
  }
}

function statsOf(wn: WeightNode, caches: readonly Map<string, TensorData>[], opts: LayerwiseOptions): InputStats {
  const stats = new InputStats(wn.k, {
    hessian: opts.method === 'gptq',
    sampleRows: opts.method === 'awq' ? opts.awqRows : 0,
  });
  for (const c of caches) {
    const x = c.get(wn.input!.name)!;
    const data = x.data instanceof Float32Array ? x.data : Float32Array.from(x.data as ArrayLike<number>);
    stats.add(data, data.length / wn.k);
  }
  return stats;
}

/** Quantizes every MatMul/Gemm weight of `model` (in place) with GPTQ or AWQ, stage by stage. */
export async function quantizeLayerwise(
  model: Model,
  batches: readonly CalibrationBatch[],
  backend: InferenceBackend,
  options: Partial<LayerwiseOptions> = {},
  hooks: LayerwiseHooks = {},
): Promise<LayerwiseLayer[]> {
  const o: LayerwiseOptions = { ...DEFAULT_LAYERWISE, ...options };
  const targets = findWeightNodes(model, { exclude: o.exclude, minElements: o.minElements });
  const stages = stagesOf(model, targets);
  const runner = new PieceRunner(model, backend, batches);
  const layout = { bits: o.bits, blockSize: o.blockSize, symmetric: o.symmetric, accuracyLevel: o.accuracyLevel };
  const grid = { bits: o.bits, symmetric: o.symmetric, groupSize: o.blockSize, minClip: o.minClip };
  const layers: LayerwiseLayer[] = [];
  for (let s = 0; s < stages.length; s++) {
    if (hooks.signal?.aborted) throw hooks.signal.reason ?? new Error('aborted');
    const stage = stages[s]!;
    await runner.compute(stage.map((t) => t.input!));
    const record = (wn: WeightNode, w: Float32Array, q: GroupQuantized, error: number) =>
      layers.push({
        node: wn.node.name || wn.node.outputs[0]!.name,
        opType: wn.node.opType,
        bits: o.bits,
        stage: s + 1,
        weightMse: groupMse(w, q, wn.k, wn.n, o.blockSize),
        error,
      });
    if (o.method === 'gptq') {
      for (const wn of stage) {
        const w = weightMatrix(wn);
        const q = gptqQuantize(w, statsOf(wn, runner.caches, o).hessian(), wn.k, wn.n, {
          ...grid,
          damp: o.damp,
          actOrder: o.actOrder,
          blockSize: 128,
        });
        record(wn, w, q, q.relativeError);
        rewriteAsNBits(model, wn, q, layout, hooks.store);
      }
    } else {
      // Weights reading the same input share one set of scales (the input is divided once).
      const byInput = new Map<Value, WeightNode[]>();
      for (const wn of stage) byInput.set(wn.input!, [...(byInput.get(wn.input!) ?? []), wn]);
      for (const [x, group] of byInput) {
        const stats = statsOf(group[0]!, runner.caches, o);
        const sample = stats.sampleRows();
        const ws = group.map((wn) => ({ w: weightMatrix(wn), n: wn.n }));
        const res = awqScales(ws, stats.meanAbs(), sample.x, sample.rows, group[0]!.k, grid);
        if (res.alpha > 0) scaleInputs(model.graph, x, group, res.scale);
        group.forEach((wn, i) => {
          const w = ws[i]!.w;
          const scaled = Float32Array.from(w, (v, j) => v * res.scale[(j / wn.n) | 0]!);
          const q = quantizeGroupwise(res.alpha > 0 ? scaled : w, wn.k, wn.n, grid);
          record(wn, res.alpha > 0 ? scaled : w, q, res.errorRatio);
          rewriteAsNBits(model, wn, q, layout, hooks.store);
        });
      }
    }
    runner.evict();
    hooks.onProgress?.(s + 1, stages.length);
  }
  return layers;
}
