// Latency is measured after the sweep, one model at a time, on this machine: while trials run,
// workers compete for the cores and every timing would be wrong. Measured are the Pareto
// candidates, and every passing trial when the objective or a gate is about latency.
import { readFileSync } from 'node:fs';
import { readModel } from '@enxuto/formats/node';
import { readOnnx } from '@enxuto/onnx';
import { checkGate, latencyP50, openDataset, type Dataset } from '@enxuto/pipeline/node';
import type { InferenceBackend } from '@enxuto/runtime';
import { defaultBackend } from '@enxuto/runtime/node';
import { paretoFront } from './objective.js';
import type { PreparedSweep } from './prepare.js';
import type { TrialRecord } from './trial.js';

export interface LatencyOptions {
  backend?: InferenceBackend;
  /** Timed runs per model (default: the pipeline's evaluation.latencyRuns, or 20 when it is 0). */
  runs?: number;
  onProgress?: (done: number, total: number, id: string) => void;
}

/** The trials whose latency the sweep measures. */
export function latencyCandidates(records: readonly TrialRecord[], p: PreparedSweep): TrialRecord[] {
  const all = p.objective.metric === 'latencyP50Ms' || p.latencyGates.length > 0;
  const chosen = all ? records.filter((r) => r.status === 'passed') : paretoFront(records);
  return chosen.filter((r) => r.model !== undefined);
}

/**
 * Measures the input model and the candidates, writes latencyP50Ms into their metrics and applies
 * the pipeline's latency gates (a candidate that fails one becomes gate-failed). Returns the input
 * model's latency.
 */
export async function measureLatencies(
  records: TrialRecord[],
  p: PreparedSweep,
  opts: LatencyOptions = {},
): Promise<number | undefined> {
  const candidates = latencyCandidates(records, p);
  if (candidates.length === 0) return undefined;
  const backend = opts.backend ?? defaultBackend();
  const runs = opts.runs ?? (p.base.config.evaluation.latencyRuns || 20);
  const spec = p.base.config.data.evaluation;
  let data: Dataset | undefined;
  try {
    data = spec ? openDataset(spec, { baseDir: p.base.baseDir, field: 'data.evaluation' }) : undefined;
  } catch {
    data = undefined; // generated inputs of the model's declared shapes instead
  }
  const input = await readModel(p.input.path);
  const before = await latencyP50(input.model, backend, runs, data);
  for (const [i, r] of candidates.entries()) {
    opts.onProgress?.(i, candidates.length, r.id);
    const model = readOnnx(new Uint8Array(readFileSync(r.model!)));
    const after = { ...r.metrics!.after!, latencyP50Ms: round(await latencyP50(model, backend, runs, data)) };
    r.metrics = { ...r.metrics, after };
    const gates = p.latencyGates.map((g) => checkGate(g, { ...r.metrics!.before!, latencyP50Ms: before }, after));
    r.gates = [...(r.gates ?? []), ...gates];
    if (gates.some((g) => !g.passed)) r.status = 'gate-failed';
  }
  opts.onProgress?.(candidates.length, candidates.length, '');
  return round(before);
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
